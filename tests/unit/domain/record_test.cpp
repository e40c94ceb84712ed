#include "anguan/domain/base/record.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace anguan::base {
namespace {

class RecordTest : public ::testing::Test {
 protected:
  Record record_ = [] {
    Record r;
    r.values = {{"name", std::string("罐区")},
                {"org_id", std::int64_t{4}},
                {"latitude", 30.5},
                {"active", true},
                {"roles", std::vector<std::string>{"worker"}},
                {"parent_id", std::monostate{}}};
    return r;
  }();
};

TEST_F(RecordTest, NewRecordHasNoIdAndNoVersion) {
  Record r;
  EXPECT_EQ(r.id, 0);
  EXPECT_EQ(r.version, 0);
  EXPECT_TRUE(r.org_path.empty());
}

TEST_F(RecordTest, GetOfAMissingFieldIsNull) {
  EXPECT_TRUE(isNull(record_.get("nothing")));
  EXPECT_TRUE(isNull(record_.get("parent_id")));
  EXPECT_FALSE(isNull(record_.get("name")));
}

TEST_F(RecordTest, GetIntReadsIntegersOnly) {
  EXPECT_EQ(record_.getInt("org_id"), 4);
  EXPECT_EQ(record_.getInt("latitude"), 0);
  EXPECT_EQ(record_.getInt("name"), 0);
  EXPECT_EQ(record_.getInt("active"), 0);
  EXPECT_EQ(record_.getInt("nothing"), 0);
}

TEST_F(RecordTest, GetTextReadsStringsOnly) {
  EXPECT_EQ(record_.getText("name"), "罐区");
  EXPECT_EQ(record_.getText("org_id"), "");
  EXPECT_EQ(record_.getText("roles"), "");
  EXPECT_EQ(record_.getText("nothing"), "");
}

}  // namespace
}  // namespace anguan::base
