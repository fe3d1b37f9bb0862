#include "rlab/core/check.h"

#include <gtest/gtest.h>

namespace rlab {
namespace {

TEST(Check, PassingConditionDoesNotThrow) { EXPECT_NO_THROW(RLAB_CHECK(1 + 1 == 2, "never")); }

// The message is what a user reads: no source location of rewardlab's own code in it.
TEST(Check, FailingConditionThrowsTheFormattedMessageWithoutSourceLocation) {
  try {
    const int lr = -3;
    RLAB_CHECK(lr > 0, "lr must be > 0, got {}; lower it", lr);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "lr must be > 0, got -3; lower it");
  }
}

TEST(Check, FailAlwaysThrowsRlabError) {
  EXPECT_THROW(RLAB_FAIL("bad {}", "input"), Error);
  EXPECT_THROW(RLAB_FAIL("bad"), std::runtime_error);  // Error is a runtime_error
}

}  // namespace
}  // namespace rlab
