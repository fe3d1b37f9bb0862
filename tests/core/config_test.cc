#include "rlab/core/config.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace rlab::config {
namespace {

struct Optim {
  double lr = 1e-3;
  int64_t steps = 100;
  bool anneal = true;
  template <class V>
  void Fields(V& v) {
    v("lr", lr, "learning rate");
    v("steps", steps, "optimiser steps");
    v("anneal", anneal, "anneal the learning rate");
  }
  void Validate() const { RLAB_CHECK(lr > 0, "lr must be > 0, got {}", lr); }
};

struct Example {
  std::string name = "demo";
  std::vector<int64_t> hidden{64, 64};
  Optim optim;
  template <class V>
  void Fields(V& v) {
    v("name", name, "a name");
    v("hidden", hidden, "layer widths");
    v("optim", optim, "optimiser");
  }
};

using testing::ErrorOf;

TEST(Config, YamlFillsNestedFieldsAndKeepsDefaults) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  t.ApplyYamlText("name: run1\noptim:\n  lr: 3e-4\nhidden: [8, 16, 32]\n", "x.yaml");
  EXPECT_EQ(c.name, "run1");
  EXPECT_DOUBLE_EQ(c.optim.lr, 3e-4);
  EXPECT_EQ(c.optim.steps, 100);
  EXPECT_EQ(c.hidden, (std::vector<int64_t>{8, 16, 32}));
}

TEST(Config, DottedOverrides) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  t.ApplyOverride("optim.lr=1e-2");
  t.ApplyOverride("optim.anneal=false");
  t.ApplyOverride("hidden=[]");
  t.ApplyOverride("name=with=equals");
  EXPECT_DOUBLE_EQ(c.optim.lr, 1e-2);
  EXPECT_FALSE(c.optim.anneal);
  EXPECT_TRUE(c.hidden.empty());
  EXPECT_EQ(c.name, "with=equals");
}

TEST(Config, UnknownKeyNamesFileLineAndValidKeys) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  const std::string e =
      ErrorOf([&] { t.ApplyYamlText("name: a\noptim:\n  lr: 1\n  momentum: 0.9\n", "x.yaml"); });
  EXPECT_NE(e.find("x.yaml:4:3: unknown key 'optim.momentum'"), std::string::npos) << e;
  EXPECT_NE(e.find("anneal, lr, steps"), std::string::npos) << e;
  const std::string top = ErrorOf([&] { t.ApplyYamlText("nmae: a\n", "x.yaml"); });
  EXPECT_NE(top.find("unknown key 'nmae'"), std::string::npos) << top;
  EXPECT_NE(top.find("hidden, name, optim"), std::string::npos) << top;
  EXPECT_NE(ErrorOf([&] { t.ApplyOverride("optim.lrr=1"); }).find("unknown key 'optim.lrr'"),
            std::string::npos);
}

TEST(Config, WrongTypeNamesTheKeyAndLine) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  const std::string e = ErrorOf([&] { t.ApplyYamlText("optim:\n  steps: many\n", "x.yaml"); });
  EXPECT_NE(e.find("x.yaml:2:10: key 'optim.steps': expected an integer, got 'many'"),
            std::string::npos)
      << e;
  EXPECT_NE(ErrorOf([&] {
              t.ApplyYamlText("hidden: [1, x]\n", "x.yaml");
            }).find("key 'hidden' (item 1): expected an integer, got 'x'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { t.ApplyYamlText("optim: 3\n", "x.yaml"); }).find("expected a mapping"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { t.ApplyYamlText("name: [a, b]\n", "x.yaml"); }).find("got a list"),
            std::string::npos);
  // A key written with no value (or null) is not mistaken for a mapping.
  const std::string null_error =
      ErrorOf([&] { t.ApplyYamlText("optim:\n  steps: null\n", "x.yaml"); });
  EXPECT_NE(null_error.find("key 'optim.steps': expected int, got no value (null)"),
            std::string::npos)
      << null_error;
  EXPECT_NE(ErrorOf([&] { t.ApplyOverride("optim.lr=fast"); }).find("expected a number"),
            std::string::npos);
}

TEST(Config, MalformedYamlNamesFileAndLine) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  const std::string e = ErrorOf([&] { t.ApplyYamlText("name: a\noptim: [1, 2\n", "bad.yaml"); });
  EXPECT_NE(e.find("bad.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed YAML"), std::string::npos) << e;
}

TEST(Config, ValidateRunsNestedValidatorsWithSectionName) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  t.ApplyOverride("optim.lr=-1");
  const std::string e = ErrorOf([&] { t.Validate(); });
  EXPECT_NE(e.find("config 'optim'"), std::string::npos) << e;
  EXPECT_NE(e.find("lr must be > 0, got -1"), std::string::npos) << e;
}

TEST(Config, ToYamlRoundTripsThroughApply) {
  Example a;
  FieldTable ta = FieldTable::Of(a);
  ta.ApplyYamlText("name: 'x: y'\nhidden: [3]\noptim: {lr: 0.1, steps: 7, anneal: false}\n", "a");
  const std::string yaml = ta.ToYaml({{"pipeline", "demo"}});
  EXPECT_EQ(yaml.rfind("pipeline: demo", 0), 0u) << yaml;
  Example b;
  FieldTable tb = FieldTable::Of(b);
  tb.ApplyYamlText(yaml, "saved", {"pipeline"});
  EXPECT_EQ(b.name, "x: y");
  EXPECT_EQ(b.hidden, a.hidden);
  EXPECT_EQ(b.optim.lr, 0.1);
  EXPECT_EQ(b.optim.steps, 7);
  EXPECT_FALSE(b.optim.anneal);
}

TEST(Config, HelpShowsLiveDefaults) {
  Example c;
  c.optim.lr = 0.25;
  const std::string help = FieldTable::Of(c).Help();
  EXPECT_NE(help.find("optim.lr"), std::string::npos);
  EXPECT_NE(help.find("0.25"), std::string::npos);
  EXPECT_NE(help.find("[64, 64]"), std::string::npos);
  EXPECT_NE(help.find("learning rate"), std::string::npos);
}

TEST(Config, TopLevelScalarReadsAFile) {
  testing::ScratchDir dir("config");
  testing::WriteText(dir / "c.yaml", "pipeline: demo\nx: 1\n");
  EXPECT_EQ(TopLevelScalar((dir / "c.yaml").string(), "pipeline"), "demo");
  EXPECT_FALSE(TopLevelScalar((dir / "c.yaml").string(), "missing").has_value());
  EXPECT_THROW(TopLevelScalar((dir / "nope.yaml").string(), "pipeline"), Error);
}

TEST(Config, DuplicateKeyNamesFileLineAndKey) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  const std::string nested = ErrorOf(
      [&] { t.ApplyYamlText("name: a\noptim:\n  lr: 0.1\n  steps: 3\n  lr: 0.2\n", "x.yaml"); });
  EXPECT_NE(nested.find("x.yaml:5:3: duplicate key 'optim.lr' (first given at line 3)"),
            std::string::npos)
      << nested;
  const std::string top = ErrorOf([&] { t.ApplyYamlText("name: a\nname: b\n", "x.yaml"); });
  EXPECT_NE(top.find("x.yaml:2:1: duplicate key 'name' (first given at line 1)"), std::string::npos)
      << top;
  const std::string section =
      ErrorOf([&] { t.ApplyYamlText("optim:\n  lr: 0.1\noptim:\n  steps: 3\n", "x.yaml"); });
  EXPECT_NE(section.find("x.yaml:3:1: duplicate key 'optim'"), std::string::npos) << section;
  // The same key in different sections is no duplicate.
  Example d;
  FieldTable u = FieldTable::Of(d);
  u.ApplyYamlText("name: a\noptim:\n  lr: 0.5\n", "y.yaml");
  EXPECT_EQ(d.optim.lr, 0.5);
}

TEST(Config, AKeyThatIsAListOrMappingIsAnErrorNamingItsLine) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  // A "? " key holding a list threw yaml-cpp's "bad conversion" (found by config_fuzz_test).
  const std::string e = ErrorOf([&] { t.ApplyYamlText("name: a\n? - 5\n: 1\n", "x.yaml"); });
  EXPECT_NE(e.find("x.yaml:2:3: a key must be a plain name"), std::string::npos) << e;
  const std::string nested =
      ErrorOf([&] { t.ApplyYamlText("optim:\n  ? {a: 1}\n  : 2\n", "x.yaml"); });
  EXPECT_NE(nested.find("a key must be a plain name under 'optim'"), std::string::npos) << nested;
}

TEST(Config, DeepYamlNamesTheFileAndTheNestingLimit) {
  Example c;
  FieldTable t = FieldTable::Of(c);
  const std::string deep = std::string(600, '[') + std::string(600, ']') + "\n";
  const std::string e = ErrorOf([&] { t.ApplyYamlText(deep, "deep.yaml"); });
  EXPECT_NE(e.find("deep.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("nests deeper than the parser's limit of 500 levels"), std::string::npos) << e;
  EXPECT_EQ(e.find("bad file"), std::string::npos) << e;
}

}  // namespace
}  // namespace rlab::config
