#include "rlab/core/spec.h"

#include <gtest/gtest.h>

#include "rlab/core/check.h"

namespace rlab {
namespace {

TEST(Spec, BareName) {
  const Spec s = Spec::Parse("  CartPole-v1 ");
  EXPECT_EQ(s.name, "CartPole-v1");
  EXPECT_TRUE(s.args.empty());
}

TEST(Spec, ArgumentsKeepOrderAndTrimSpaces) {
  const Spec s = Spec::Parse("ensemble( members = 5, aggregate=wco )");
  EXPECT_EQ(s.name, "ensemble");
  ASSERT_EQ(s.args.size(), 2u);
  EXPECT_EQ(s.args[0], (std::pair<std::string, std::string>{"members", "5"}));
  EXPECT_EQ(s.args[1], (std::pair<std::string, std::string>{"aggregate", "wco"}));
}

TEST(Spec, NestedSpecsQuotesAndListsStayWhole) {
  const Spec s = Spec::Parse("outer(inner=mlp(hidden=[64, 64], act=relu), text=\"a, b\", x=1)");
  ASSERT_EQ(s.args.size(), 3u);
  EXPECT_EQ(s.args[0].second, "mlp(hidden=[64, 64], act=relu)");
  EXPECT_EQ(s.args[1].second, "a, b");
  EXPECT_EQ(s.args[2].second, "1");
  const Spec inner = Spec::Parse(s.args[0].second);
  EXPECT_EQ(inner.name, "mlp");
  EXPECT_EQ(inner.args[0].second, "[64, 64]");
}

TEST(Spec, ToStringRoundTrips) {
  for (const char* text : {"a", "a(x=1)", "a(x=1, y=b(z=2))", "a(t=\"p, q\")"}) {
    const Spec s = Spec::Parse(text);
    const Spec again = Spec::Parse(s.ToString());
    EXPECT_EQ(again.name, s.name) << text;
    EXPECT_EQ(again.args, s.args) << text;
  }
}

TEST(Spec, MalformedSpecsAreErrors) {
  for (const char* text : {"", "a(", "a(x)", "a(x=1", "a(x=1))", "a(x=1, x=2)", "a b", "(x=1)",
                           "a(=1)", "a(x=\"open)"}) {
    EXPECT_THROW(Spec::Parse(text), Error) << text;
  }
}

}  // namespace
}  // namespace rlab
