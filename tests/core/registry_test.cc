#include "rlab/core/registry.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace rlab {
namespace {

struct Shape {
  virtual ~Shape() = default;
  virtual double Area() const = 0;
};
struct Square : Shape {
  double side;
  explicit Square(double s) : side(s) {}
  double Area() const override { return side * side; }
};
struct Rect : Shape {
  double w, h;
  Rect(double w_, double h_) : w(w_), h(h_) {}
  double Area() const override { return w * h; }
};

Registry<Shape> MakeRegistry() {
  Registry<Shape> r("shape");
  r.Register({"square", "a square", {{"side", "1", "side length"}}, [](const SpecArgs& a) {
                return std::make_unique<Square>(a.Get<double>("side"));
              }});
  r.Register({"rect",
              "a rectangle",
              {{"w", std::nullopt, "width"}, {"h", "2", "height"}},
              [](const SpecArgs& a) {
                return std::make_unique<Rect>(a.Get<double>("w"), a.Get<double>("h"));
              }});
  return r;
}

using testing::ErrorOf;

TEST(Registry, CreatesWithDefaultsAndGivenValues) {
  const auto r = MakeRegistry();
  EXPECT_DOUBLE_EQ(r.Create("square")->Area(), 1.0);
  EXPECT_DOUBLE_EQ(r.Create("square(side=3)")->Area(), 9.0);
  EXPECT_DOUBLE_EQ(r.Create("rect(w=3)")->Area(), 6.0);
  EXPECT_DOUBLE_EQ(r.Create("rect(w=3, h=0.5)")->Area(), 1.5);
}

TEST(Registry, ListIsSortedNames) {
  EXPECT_EQ(MakeRegistry().List(), (std::vector<std::string>{"rect", "square"}));
}

TEST(Registry, UnknownNameListsValidNames) {
  const auto r = MakeRegistry();
  const std::string e = ErrorOf([&] { r.Create("circle(r=1)"); });
  EXPECT_NE(e.find("unknown shape 'circle'"), std::string::npos) << e;
  EXPECT_NE(e.find("rect, square"), std::string::npos) << e;
}

TEST(Registry, UnknownKeyListsValidKeys) {
  const auto r = MakeRegistry();
  const std::string e = ErrorOf([&] { r.Create("rect(w=1, depth=2)"); });
  EXPECT_NE(e.find("no key 'depth'"), std::string::npos) << e;
  EXPECT_NE(e.find("w, h"), std::string::npos) << e;
}

TEST(Registry, MissingRequiredKeyAndBadValueAreErrors) {
  const auto r = MakeRegistry();
  EXPECT_NE(ErrorOf([&] { r.Create("rect"); }).find("needs key 'w'"), std::string::npos);
  const std::string e = ErrorOf([&] { r.Create("square(side=big)"); });
  EXPECT_NE(e.find("key 'side'"), std::string::npos) << e;
  EXPECT_NE(e.find("expected a number, got 'big'"), std::string::npos) << e;
}

TEST(Registry, DuplicateRegistrationIsAnError) {
  auto r = MakeRegistry();
  EXPECT_THROW(r.Register({"square",
                           "again",
                           {},
                           [](const SpecArgs&) {
                             return std::unique_ptr<Shape>(std::make_unique<Square>(1));
                           }}),
               Error);
}

TEST(Registry, ContextArgumentsReachTheFactory) {
  Registry<Shape, double> r("scaled shape");
  r.Register({"square", "", {}, [](const SpecArgs&, double scale) {
                return std::unique_ptr<Shape>(std::make_unique<Square>(scale));
              }});
  EXPECT_DOUBLE_EQ(r.Create("square", 4.0)->Area(), 16.0);
}

TEST(Registry, HelpShowsKeysAndDefaults) {
  const std::string help = MakeRegistry().Help();
  EXPECT_NE(help.find("rect"), std::string::npos);
  EXPECT_NE(help.find("(required)"), std::string::npos);
  EXPECT_NE(help.find("h=2"), std::string::npos);
}

TEST(RegisterOnce, OnlyTheFirstCallRegistersTheBuiltins) {
  Registry<Shape> r("shape");
  int runs = 0;
  const auto register_builtins = [&] {
    if (!RegisterOnce(r)) return;
    ++runs;
    r.Register({"square", "a square", {{"side", "1", "side length"}}, [](const SpecArgs& a) {
                  return std::make_unique<Square>(a.Get<double>("side"));
                }});
  };
  register_builtins();
  register_builtins();  // a no-op: no second registration, no error
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(r.List(), (std::vector<std::string>{"square"}));
  // The claim belongs to the registry: another one is still unclaimed.
  Registry<Shape> other("shape");
  EXPECT_TRUE(RegisterOnce(other));
  EXPECT_FALSE(RegisterOnce(other));
}

}  // namespace
}  // namespace rlab
