#include "anguan/core/result.hpp"

#include <string>

#include <gtest/gtest.h>

namespace anguan {
namespace {

Result<int> parsePositive(int n) {
  if (n <= 0) {
    return Error::invalidArgument("test.not_positive", "must be positive").with("n", "bad");
  }
  return n;
}

Result<int> doubled(int n) {
  AG_ASSIGN_OR_RETURN(int value, parsePositive(n));
  return value * 2;
}

Status checkTwice(int a, int b) {
  AG_RETURN_IF_ERROR(parsePositive(a));
  AG_RETURN_IF_ERROR(parsePositive(b));  // Two in one scope must not clash.
  return okStatus();
}

class ResultTest : public ::testing::Test {};

TEST_F(ResultTest, ErrorFactoriesSetTheCode) {
  EXPECT_EQ(Error::invalidArgument("k", "m").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Error::unauthenticated("k", "m").code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(Error::permissionDenied("k", "m").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Error::notFound("k", "m").code(), ErrorCode::kNotFound);
  EXPECT_EQ(Error::conflict("k", "m").code(), ErrorCode::kConflict);
  EXPECT_EQ(Error::unavailable("k", "m").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(Error::internal("k", "m").code(), ErrorCode::kInternal);
}

TEST_F(ResultTest, WithAddsDetailsAndLaterValuesWin) {
  Error e = Error::conflict("base.duplicate", "exists");
  e.with("field", "code").with("other", "x").with("field", "name");
  EXPECT_EQ(e.key(), "base.duplicate");
  EXPECT_EQ(e.message(), "exists");
  ASSERT_EQ(e.details().size(), 2u);
  EXPECT_EQ(e.details().at("field"), "name");
  EXPECT_EQ(e.details().at("other"), "x");
}

TEST_F(ResultTest, DefaultErrorIsInternal) {
  Error e;
  EXPECT_EQ(e.code(), ErrorCode::kInternal);
  EXPECT_EQ(e.key(), "internal");
}

TEST_F(ResultTest, AssignOrReturnPassesTheValueThrough) {
  auto r = doubled(21);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
}

TEST_F(ResultTest, AssignOrReturnPropagatesTheError) {
  auto r = doubled(-1);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "test.not_positive");
  EXPECT_EQ(r.error().details().at("n"), "bad");
}

TEST_F(ResultTest, ReturnIfErrorStopsAtTheFirstError) {
  EXPECT_TRUE(checkTwice(1, 2).has_value());
  EXPECT_TRUE(checkTwice(-1, 2).has_error());
  EXPECT_TRUE(checkTwice(1, -2).has_error());
}

TEST_F(ResultTest, ValueOnAnErrorThrowsUncheckedError) {
  auto r = doubled(0);
  EXPECT_THROW((void)r.value(), UncheckedErrorException);
}

TEST_F(ResultTest, ErrorCodesHaveNames) {
  for (ErrorCode code :
       {ErrorCode::kInvalidArgument, ErrorCode::kUnauthenticated, ErrorCode::kPermissionDenied,
        ErrorCode::kNotFound, ErrorCode::kConflict, ErrorCode::kPayloadTooLarge,
        ErrorCode::kUnavailable, ErrorCode::kInternal}) {
    ASSERT_NE(toString(code), nullptr);
    EXPECT_NE(std::string(toString(code)), "");
  }
}

}  // namespace
}  // namespace anguan
