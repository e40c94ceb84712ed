// Migration 0009 on SQLite: a database holding permits from before it (documents carrying their
// own copy of the work type's rules, `conditions` after `doc`) comes out with the same permits,
// ids and id sequence, `doc` last, the rules kept once per (code, rules_version) and no longer in
// the documents.
#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/migration.hpp"
#include "common/migration_runner.hpp"
#include "sqlite/sqlite_connection.hpp"

namespace anguan::store {
namespace {

std::vector<Migration> upTo(int last) {
  std::vector<Migration> out;
  for (const auto& m : sqliteMigrations()) {
    if (m.number <= last) {
      out.push_back(m);
    }
  }
  return out;
}

std::string text(SqlConnection& conn, const std::string& sql) {
  std::string out;
  auto ran = conn.run(sql, {}, [&](const SqlRow& r) { out += r.getText(0) + ";"; });
  EXPECT_TRUE(ran) << sql;
  return out;
}

TEST(PermitMigrationTest, Migration0009KeepsPermitsAndMovesTheirRulesToWorkTypeVersions) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("anguan-0009-" + std::to_string(::getpid()) + ".db"))
                               .string();
  std::filesystem::remove(path);
  auto conn = sqlite::SqliteConnection::open(path, sqlite::SqliteConnection::Mode::kWriter);
  ASSERT_TRUE(conn);
  const MigrationDialect dialect{"BEGIN IMMEDIATE", ""};
  ASSERT_TRUE(runMigrations(**conn, upTo(8), dialect, Instant{}));

  const std::string rules_v1 = R"({"code":"hot_work","zh":"动火作业","rules_version":1})";
  const std::string rules_v2 = R"({"code":"hot_work","zh":"动火作业","rules_version":2})";
  const std::string insert =
      "INSERT INTO permits (id, number, type_code, state, window_from, window_to, "
      "public_token, created_at, updated_at, version, rules_version, conditions, doc) VALUES ";
  ASSERT_TRUE((*conn)->script(
      insert + "(1, 'DH-1', 'hot_work', 'closed', 1, 2, 't1', 1, 1, 9, 1, '{\"painting\":true}', " +
      "'{\"plan\":{\"title\":\"焊接\"},\"work_type\":" + rules_v1 + ",\"measures\":[1.50,2]}');" +
      insert + "(2, 'DH-2', 'hot_work', 'active', 1, 2, 't2', 1, 1, 3, 2, '{}', " +
      "'{\"work_type\":" + rules_v2 + "}');" + insert +
      "(3, 'DH-3', 'hot_work', 'draft', 1, 2, 't3', 1, 1, 1, 2, '{}', 'not json');" +
      "DELETE FROM permits WHERE id = 3;" +  // the sequence stays at 3
      "INSERT INTO work_types (code, rules_version, doc, updated_at) VALUES ('hot_work', 3, "
      "'{\"code\":\"hot_work\",\"rules_version\":3}', 1), ('height', 1, '{\"code\":\"height\"}', "
      "1);"));

  ASSERT_TRUE(runMigrations(**conn, sqliteMigrations(), dialect, Instant{}));

  EXPECT_EQ(text(**conn,
                 "SELECT id || ' ' || number || ' ' || state || ' ' || version || ' ' || "
                 "conditions FROM permits ORDER BY id"),
            "1 DH-1 closed 9 {\"painting\":true};2 DH-2 active 3 {};");
  // The documents without the rules, everything else as it was.
  EXPECT_EQ(text(**conn, "SELECT doc FROM permits ORDER BY id"),
            R"({"plan":{"title":"焊接"},"measures":[1.50,2]};{};)");
  // Each version once: the permits' copies first, then the work types' current rules.
  EXPECT_EQ(text(**conn,
                 "SELECT code || ' ' || rules_version || ' ' || doc FROM "
                 "work_type_versions ORDER BY code, rules_version"),
            "height 1 {\"code\":\"height\"};hot_work 1 " + rules_v1 + ";hot_work 2 " + rules_v2 +
                ";hot_work 3 {\"code\":\"hot_work\",\"rules_version\":3};");
  // `doc` is the last column again; the id sequence and the indexes are there.
  EXPECT_EQ(text(**conn, "SELECT name FROM pragma_table_info('permits') ORDER BY cid DESC LIMIT 1"),
            "doc;");
  ASSERT_TRUE((*conn)->script(
      insert + "(NULL, 'DH-4', 'hot_work', 'draft', 1, 2, 't4', 1, 1, 1, 3, '{}', '{}')"));
  EXPECT_EQ(text(**conn, "SELECT max(id) FROM permits"), "4;");
  EXPECT_EQ(text(**conn,
                 "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                 "WHERE type = 'index' AND tbl_name = 'permits' AND sql IS NOT NULL "
                 "ORDER BY name)"),
            "permits_area_idx,permits_org_path_idx,permits_overlap_idx,permits_window_idx;");
  conn->reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace anguan::store
