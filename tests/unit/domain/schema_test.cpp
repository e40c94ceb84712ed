#include "anguan/domain/base/schema.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace anguan::base {
namespace {

class SchemaTest : public ::testing::Test {};

TEST_F(SchemaTest, FindSchemaAcceptsNameOrPath) {
  const EntitySchema* by_name = findSchema("maintenance_windows");
  const EntitySchema* by_path = findSchema("maintenance-windows");
  ASSERT_NE(by_name, nullptr);
  EXPECT_EQ(by_name, by_path);
  EXPECT_EQ(findSchema("users"), nullptr);
  EXPECT_EQ(findSchema(""), nullptr);
}

TEST_F(SchemaTest, EntitiesComeInDependencyOrder) {
  std::set<std::string> seen;
  for (const auto& schema : schemas()) {
    for (const auto& f : schema.fields) {
      if (f.type == FieldType::kRef) {
        EXPECT_TRUE(f.ref == schema.name || seen.count(f.ref) == 1)
            << schema.name << "." << f.name << " references " << f.ref << " declared later";
        EXPECT_NE(findSchema(f.ref), nullptr) << f.ref;
      }
    }
    seen.insert(schema.name);
  }
}

TEST_F(SchemaTest, ScopeFieldIsARequiredReference) {
  for (const auto& schema : schemas()) {
    if (!schema.scoped || schema.scope_field.empty()) {
      continue;
    }
    const FieldSpec* f = schema.field(schema.scope_field);
    ASSERT_NE(f, nullptr) << schema.name;
    EXPECT_EQ(f->type, FieldType::kRef) << schema.name;
    EXPECT_TRUE(f->required) << schema.name;
  }
}

TEST_F(SchemaTest, OnlyOrgUnitsAndHolidaysHaveNoScopeField) {
  for (const auto& schema : schemas()) {
    const bool expect_empty = schema.name == "org_units" || schema.name == "holidays";
    EXPECT_EQ(schema.scope_field.empty(), expect_empty) << schema.name;
  }
  EXPECT_FALSE(findSchema("holidays")->scoped);
}

TEST_F(SchemaTest, TitleFieldExists) {
  for (const auto& schema : schemas()) {
    EXPECT_NE(schema.field(schema.title_field), nullptr) << schema.name;
  }
}

TEST_F(SchemaTest, FieldNamesAreUniqueAndLabelled) {
  for (const auto& schema : schemas()) {
    std::set<std::string> names;
    for (const auto& f : schema.fields) {
      EXPECT_TRUE(names.insert(f.name).second) << schema.name << "." << f.name;
      EXPECT_FALSE(f.zh.empty()) << schema.name << "." << f.name;
      EXPECT_FALSE(f.en.empty()) << schema.name << "." << f.name;
      if (f.type == FieldType::kEnum || f.type == FieldType::kCodeList) {
        EXPECT_FALSE(f.options.empty()) << schema.name << "." << f.name;
      }
    }
  }
}

TEST_F(SchemaTest, CertificateStatusIsComputed) {
  const FieldSpec* status = findSchema("certificates")->field("status");
  ASSERT_NE(status, nullptr);
  EXPECT_TRUE(status->computed);
  EXPECT_EQ(status->type, FieldType::kEnum);
}

TEST_F(SchemaTest, FieldTypesHaveNames) {
  EXPECT_STREQ(toString(FieldType::kCodeList), "code_list");
  EXPECT_STREQ(toString(FieldType::kDateTime), "datetime");
  EXPECT_STREQ(toString(FieldType::kRef), "ref");
}

}  // namespace
}  // namespace anguan::base
