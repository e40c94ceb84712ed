// Migration 0009 on SQLite: a database holding permits from before it (documents carrying their
// own copy of the work type's rules, `conditions` after `doc`) comes out with the same permits,
// ids and id sequence, `doc` last, the rules kept once per (code, rules_version) and no longer in
// the documents; a document that is not JSON is left alone. On PostgreSQL: the same data moves.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "anguan/store/postgres/pg_store.hpp"

#include "common/migration.hpp"
#include "common/migration_runner.hpp"
#include "postgres/pg_connection.hpp"
#include "sqlite/sqlite_connection.hpp"

namespace anguan::store {
namespace {

std::vector<Migration> upTo(int last, const std::vector<Migration>& all = sqliteMigrations()) {
  std::vector<Migration> out;
  for (const auto& m : all) {
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
      "(3, 'DH-3', 'hot_work', 'draft', 1, 2, 't3', 1, 1, 1, 2, '{}', 'not json');" + insert +
      "(4, 'DH-4', 'hot_work', 'draft', 1, 2, 't4', 1, 1, 1, 2, '{}', '{}');" +
      "DELETE FROM permits WHERE id = 4;" +  // the sequence stays at 4
      "INSERT INTO work_types (code, rules_version, doc, updated_at) VALUES ('hot_work', 3, "
      "'{\"code\":\"hot_work\",\"rules_version\":3}', 1), ('height', 1, '{\"code\":\"height\"}', "
      "1);"));

  ASSERT_TRUE(runMigrations(**conn, upTo(9), dialect, Instant{}));

  EXPECT_EQ(text(**conn,
                 "SELECT id || ' ' || number || ' ' || state || ' ' || version || ' ' || "
                 "conditions FROM permits ORDER BY id"),
            "1 DH-1 closed 9 {\"painting\":true};2 DH-2 active 3 {};3 DH-3 draft 1 {};");
  // The documents without the rules, everything else as it was; one that is not JSON untouched.
  EXPECT_EQ(text(**conn, "SELECT doc FROM permits ORDER BY id"),
            R"({"plan":{"title":"焊接"},"measures":[1.50,2]};{};not json;)");
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
      insert + "(NULL, 'DH-5', 'hot_work', 'draft', 1, 2, 't5', 1, 1, 1, 3, '{}', '{}')"));
  EXPECT_EQ(text(**conn, "SELECT max(id) FROM permits"), "5;");
  EXPECT_EQ(text(**conn,
                 "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                 "WHERE type = 'index' AND tbl_name = 'permits' AND sql IS NOT NULL "
                 "ORDER BY name)"),
            "permits_area_idx,permits_org_path_idx,permits_overlap_idx,permits_window_idx;");
  // 0010 adds the indexes of the feasibility check's kinds of other work.
  ASSERT_TRUE(runMigrations(**conn, sqliteMigrations(), dialect, Instant{}));
  EXPECT_EQ(text(**conn,
                 "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                 "WHERE type = 'index' AND tbl_name = 'permits' AND sql IS NOT NULL "
                 "ORDER BY name)"),
            "permits_area_idx,permits_guardian_idx,permits_org_path_idx,permits_overlap_idx,"
            "permits_painting_idx,permits_type_state_idx,permits_window_idx;");
  conn->reset();
  std::filesystem::remove(path);
}

// The same on PostgreSQL (AG_TEST_PG_URL; skipped without it), in a schema of its own. Its 0009
// keeps the table as it is (no rebuild), so only the data moves are checked; jsonb rewrites the
// documents in its own key order, so they are compared as jsonb.
TEST(PermitMigrationTest, Migration0009OnPostgresMovesTheRulesAndLeavesANonJsonDocumentAlone) {
  const char* url = std::getenv("AG_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    GTEST_SKIP() << "AG_TEST_PG_URL not set";
  }
  const std::string schema = "agmig0009_" + std::to_string(::getpid());
  (void)postgres::dropSchemaForTest(url, schema);
  auto conn = postgres::PgConnection::open(url, schema);
  ASSERT_TRUE(conn) << conn.error().message();
  const MigrationDialect dialect{"BEGIN", ""};
  ASSERT_TRUE(runMigrations(**conn, upTo(8, postgresMigrations()), dialect, Instant{}));

  const std::string insert =
      "INSERT INTO permits (id, number, type_code, state, window_from, window_to, "
      "public_token, created_at, updated_at, version, rules_version, conditions, doc) VALUES ";
  ASSERT_TRUE((*conn)->script(
      insert + "(1, 'DH-1', 'hot_work', 'closed', 1, 2, 't1', 1, 1, 9, 1, '{}', " +
      R"('{"plan":{"title":"焊接"},"work_type":{"code":"hot_work","rules_version":1}}');)" +
      insert + "(2, 'DH-2', 'hot_work', 'active', 1, 2, 't2', 1, 1, 3, 1, '{}', " +
      R"('{"work_type":{"code":"hot_work","rules_version":1,"later":true}}');)" + insert +
      "(3, 'DH-3', 'hot_work', 'draft', 1, 2, 't3', 1, 1, 1, 2, '{}', 'not json');" +
      "INSERT INTO work_types (code, rules_version, doc, updated_at) VALUES ('hot_work', 2, "
      "'{\"code\":\"hot_work\",\"rules_version\":2}', 1);"));

  const auto applied = runMigrations(**conn, postgresMigrations(), dialect, Instant{});
  ASSERT_TRUE(applied) << applied.error().message();
  EXPECT_EQ(text(**conn,
                 "SELECT id || ' ' || (CASE WHEN id = 3 THEN doc = 'not json' ELSE doc::jsonb = "
                 "(CASE id WHEN 1 THEN '{\"plan\":{\"title\":\"焊接\"}}' ELSE '{}' END)::jsonb "
                 "END)::text FROM permits ORDER BY id"),
            "1 true;2 true;3 true;");
  // The first permit's copy of version 1 (by id), then the work type's current version 2.
  EXPECT_EQ(text(**conn,
                 "SELECT code || ' ' || rules_version || ' ' || (doc::jsonb = CASE rules_version "
                 "WHEN 1 THEN '{\"code\":\"hot_work\",\"rules_version\":1}'::jsonb ELSE "
                 "'{\"code\":\"hot_work\",\"rules_version\":2}'::jsonb END)::text FROM "
                 "work_type_versions ORDER BY code, rules_version"),
            "hot_work 1 true;hot_work 2 true;");
  // The helper was temporary.
  EXPECT_EQ(text(**conn, "SELECT count(*)::text FROM pg_proc WHERE proname = 'anguan_0009_jsonb'"),
            "0;");
  conn->reset();
  (void)postgres::dropSchemaForTest(url, schema);
}

}  // namespace
}  // namespace anguan::store
