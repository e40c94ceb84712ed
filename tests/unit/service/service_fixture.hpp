// Shared fixture for service tests: a real SQLite store on a temp file (fresh per test), a
// FakeClock, default Settings, and helpers to build an org tree and principals by hand.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "anguan/domain/auth/access.hpp"
#include "anguan/domain/store/store.hpp"
#include "anguan/service/context.hpp"
#include "anguan/store/sqlite/sqlite_store.hpp"

#include "support/fake_clock.hpp"

namespace anguan::service::service_testing {

// Opens a fresh SQLite database in a per-test temp directory and removes it afterwards.
class SqliteServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    static const unsigned seed = std::random_device{}();
    dir_ = std::filesystem::temp_directory_path() /
           ("anguan-unit-" + std::to_string(::getpid()) + "-" + std::to_string(seed % 100000) +
            "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    store::sqlite::Options options;
    options.path = (dir_ / "test.db").string();
    options.readers = 2;
    auto opened = store::sqlite::open(options);
    ASSERT_TRUE(opened.has_value()) << opened.error().key() << ": " << opened.error().message();
    store_ = *std::move(opened);
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  static auth::Principal principal(std::vector<std::string> roles, std::int64_t org_id,
                                   std::string org_path, std::int64_t user_id = 900,
                                   std::string name = "tester") {
    auth::Principal p;
    p.user_id = UserId{user_id};
    p.username = name;
    p.display_name = name;
    p.roles = std::move(roles);
    p.org_id = org_id;
    p.org_path = std::move(org_path);
    p.client_address = "127.0.0.1";
    return p;
  }

  std::filesystem::path dir_;
  store::StorePtr store_;
  testing_support::FakeClock clock_;
  Settings settings_;
};

}  // namespace anguan::service::service_testing
