// The WAL-buffering VFS (src/store/sqlite/wal_write_vfs.hpp) against real files: what other
// connections read, what a crashed process leaves, and how many writes a commit costs.
#include "sqlite/wal_write_vfs.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

namespace anguan::store::sqlite {
namespace {

class TempDb {
 public:
  TempDb() {
    static int counter = 0;
    path_ =
        (std::filesystem::temp_directory_path() /
         ("anguan-walvfs-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".db"))
            .string();
    remove();
  }
  ~TempDb() { remove(); }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  const std::string& path() const { return path_; }

 private:
  void remove() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }
  std::string path_;
};

// An open connection; `vfs` null means SQLite's default VFS.
class Db {
 public:
  Db(const std::string& path, const char* vfs) {
    rc_ = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
  }
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3* get() { return db_; }
  // Runs `sql`; the SQLite error text when it fails, "" when it succeeds.
  std::string exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) {
      return "";
    }
    std::string text = error != nullptr ? error : "error";
    sqlite3_free(error);
    return text;
  }
  // The first column of the first row of `sql` as an integer, or -1.
  std::int64_t integer(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::int64_t out = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return out;
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

const char* vfs() {
  const char* name = walWriteVfsName();
  EXPECT_NE(name, nullptr);
  return name;
}

// Rows of 3,000 bytes: each takes most of a 4 KiB page, so `rows` rows dirty about `rows` pages.
std::string insertRows(int first, int rows) {
  std::string sql = "BEGIN;";
  for (int i = first; i < first + rows; ++i) {
    sql += "INSERT INTO t(id, body) VALUES (" + std::to_string(i) + ", printf('%.3000c', char(" +
           std::to_string(65 + i % 26) + ")));";
  }
  return sql + "COMMIT;";
}

// Write system calls this process has made (read(2)/write(2)/pwrite(2) counted by the kernel).
std::int64_t writeCalls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::int64_t value = 0;
  while (io >> key >> value) {
    if (key == "syscw:") {
      return value;
    }
  }
  return -1;
}

void createTable(Db& db, const std::string& synchronous) {
  ASSERT_EQ(db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=" + synchronous +
                    "; CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)"),
            "");
}

TEST(WalWriteVfsTest, OtherConnectionsReadEveryCommitWhole) {
  TempDb file;
  Db writer(file.path(), vfs());
  ASSERT_TRUE(writer.ok());
  createTable(writer, "FULL");
  Db reader(file.path(), vfs());
  ASSERT_TRUE(reader.ok());
  for (int round = 0; round < 20; ++round) {
    ASSERT_EQ(writer.exec(insertRows(round * 10, 10)), "");
    EXPECT_EQ(reader.integer("SELECT COUNT(*) FROM t"), (round + 1) * 10);
    EXPECT_EQ(reader.integer("SELECT SUM(length(body)) FROM t"), (round + 1) * 10 * 3000);
  }
  EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
}

TEST(WalWriteVfsTest, CommitsArePublishedWholeEvenWithoutSyncing) {
  // synchronous=OFF: SQLite never syncs, so only the flush after a commit frame puts the frames
  // in the file before another connection is told the commit exists.
  TempDb file;
  Db writer(file.path(), vfs());
  ASSERT_TRUE(writer.ok());
  createTable(writer, "OFF");
  Db reader(file.path(), nullptr);  // Plain VFS: reads only what is in the file.
  ASSERT_TRUE(reader.ok());
  for (int round = 0; round < 10; ++round) {
    ASSERT_EQ(writer.exec(insertRows(round * 5, 5)), "");
    EXPECT_EQ(reader.integer("SELECT COUNT(*) FROM t WHERE length(body) = 3000"), (round + 1) * 5);
  }
  EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
}

TEST(WalWriteVfsTest, ACommitOfManyPagesTakesAFewWritesInsteadOfTwoPerPage) {
  ASSERT_GE(writeCalls(), 0) << "/proc/self/io is not readable";
  std::int64_t calls[2] = {0, 0};
  const char* vfs_names[2] = {nullptr, vfs()};
  for (int i = 0; i < 2; ++i) {
    TempDb file;
    Db writer(file.path(), vfs_names[i]);
    ASSERT_TRUE(writer.ok());
    createTable(writer, "FULL");
    ASSERT_EQ(writer.exec(insertRows(0, 1)), "");  // The WAL and its header exist.
    const std::int64_t before = writeCalls();
    ASSERT_EQ(writer.exec(insertRows(100, 40)), "");  // About 40 pages.
    calls[i] = writeCalls() - before;
    EXPECT_EQ(writer.integer("SELECT COUNT(*) FROM t"), 41);
  }
  // Plain: a header and a page per frame. Buffered: 40 frames are 165 KB, two writes.
  EXPECT_GE(calls[0], 80);
  EXPECT_LE(calls[1], 4);
}

TEST(WalWriteVfsTest, ATransactionLargerThanTheBufferAndTheCacheCommitsIntact) {
  // A 4 MB transaction through a 20-page cache: SQLite spills frames to the WAL before the commit
  // and rewrites spilled pages in place, and the buffer fills several times.
  TempDb file;
  Db writer(file.path(), vfs());
  ASSERT_TRUE(writer.ok());
  createTable(writer, "FULL");
  ASSERT_EQ(writer.exec("PRAGMA cache_size=20"), "");
  ASSERT_EQ(writer.exec(insertRows(0, 1300)), "");
  ASSERT_EQ(writer.exec("BEGIN; UPDATE t SET body = lower(body) WHERE id % 3 = 0;"
                        "UPDATE t SET body = printf('%.3000c', '0') WHERE id % 2 = 0; COMMIT;"),
            "");
  Db reader(file.path(), nullptr);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.integer("SELECT COUNT(*) FROM t"), 1300);
  EXPECT_EQ(reader.integer("SELECT COUNT(*) FROM t WHERE body = printf('%.3000c', '0')"), 650);
  // Ids 3, 9, ..., 1299: lowered by the first update and left by the second.
  EXPECT_EQ(reader.integer("SELECT COUNT(*) FROM t WHERE body <> upper(body)"), 217);
  EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
  // A rolled-back transaction leaves nothing behind.
  ASSERT_EQ(writer.exec("BEGIN; DELETE FROM t; ROLLBACK;"), "");
  EXPECT_EQ(reader.integer("SELECT COUNT(*) FROM t"), 1300);
}

TEST(WalWriteVfsTest, AProcessKilledMidTransactionKeepsEveryCommitAndNothingElse) {
  TempDb file;
  {
    Db setup(file.path(), vfs());
    ASSERT_TRUE(setup.ok());
    createTable(setup, "FULL");
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Commits 30 transactions, starts a 31st that writes frames (a small cache spills them),
    // and dies without closing anything.
    Db writer(file.path(), walWriteVfsName());
    if (!writer.ok() || !writer.exec("PRAGMA cache_size=10").empty()) {
      ::_exit(2);
    }
    for (int round = 0; round < 30; ++round) {
      if (!writer.exec(insertRows(round * 4, 4)).empty()) {
        ::_exit(3);
      }
    }
    std::string open = "BEGIN;";
    for (int i = 1000; i < 1100; ++i) {
      open += "INSERT INTO t(id, body) VALUES (" + std::to_string(i) + ", printf('%.3000c', 'x'));";
    }
    if (!writer.exec(open).empty()) {
      ::_exit(4);
    }
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  Db after(file.path(), vfs());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.integer("SELECT COUNT(*) FROM t"), 120);
  EXPECT_EQ(after.integer("SELECT COUNT(*) FROM t WHERE id >= 1000"), 0);
  EXPECT_EQ(after.text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace anguan::store::sqlite
