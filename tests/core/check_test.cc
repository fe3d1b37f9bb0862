#include "rlab/core/check.h"

#include <gtest/gtest.h>

namespace rlab {
namespace {

TEST(Check, PassingConditionDoesNotThrow) { EXPECT_NO_THROW(RLAB_CHECK(1 + 1 == 2, "never")); }

TEST(Check, FailingConditionThrowsWithSourceLocationAndFormattedMessage) {
  try {
    const int lr = -3;
    RLAB_CHECK(lr > 0, "lr must be > 0, got {}; lower it", lr);
    FAIL() << "no exception";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("check_test.cc:"), std::string::npos) << what;
    EXPECT_NE(what.find("lr must be > 0, got -3; lower it"), std::string::npos) << what;
  }
}

TEST(Check, FailAlwaysThrowsRlabError) {
  EXPECT_THROW(RLAB_FAIL("bad {}", "input"), Error);
  EXPECT_THROW(RLAB_FAIL("bad"), std::runtime_error);  // Error is a runtime_error
}

}  // namespace
}  // namespace rlab
