#include "rlab/envs/space.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rlab/core/check.h"

namespace rlab::envs {
namespace {

TEST(Space, DiscreteHoldsWholeIndicesBelowN) {
  const Space s = Space::Discrete(3);
  EXPECT_TRUE(s.is_discrete());
  EXPECT_EQ(s.flat_dim(), 1);
  EXPECT_EQ(s.ToString(), "Discrete(3)");
  EXPECT_TRUE(s.Contains(std::vector<float>{2.0f}));
  EXPECT_FALSE(s.Contains(std::vector<float>{3.0f}));
  EXPECT_FALSE(s.Contains(std::vector<float>{0.5f}));
  EXPECT_FALSE(s.Contains(std::vector<float>{-1.0f}));
  EXPECT_THROW(Space::Discrete(0), Error);
}

TEST(Space, BoxChecksEveryElementAndRejectsNaN) {
  const Space s = Space::Box({-1.0f, 0.0f}, {1.0f, 0.5f});
  EXPECT_EQ(s.flat_dim(), 2);
  EXPECT_EQ(s.shape(), std::vector<int64_t>{2});
  EXPECT_EQ(s.ToString(), "Box([-1.0 0.0], [1.0 0.5], (2,), float32)");
  EXPECT_TRUE(s.Contains(std::vector<float>{1.0f, 0.0f}));
  EXPECT_FALSE(s.Contains(std::vector<float>{1.0f, 0.6f}));
  EXPECT_FALSE(s.Contains(std::vector<float>{std::nanf(""), 0.0f}));
  EXPECT_FALSE(s.Contains(std::vector<float>{0.0f}));  // wrong size
  EXPECT_THROW(Space::Box({1.0f}, {0.0f}), Error);
  EXPECT_THROW(Space::Box({1.0f}, {2.0f, 3.0f}), Error);
}

TEST(Space, UniformBoxOfAnyShape) {
  const Space s = Space::Box(-2.0f, 2.0f, {2, 3});
  EXPECT_EQ(s.flat_dim(), 6);
  EXPECT_EQ(s.ToString(), "Box(-2.0, 2.0, (2, 3), float32)");
  EXPECT_EQ(Space::Box(-2.0f, 2.0f, {1}).ToString(), "Box(-2.0, 2.0, (1,), float32)");
}

}  // namespace
}  // namespace rlab::envs
