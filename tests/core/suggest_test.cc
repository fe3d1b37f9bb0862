// "Did you mean": one edit distance and one rule for what counts as a typo, used by config
// keys (YAML and dotted overrides), flags and subcommands; and the warnings a config's
// Validate() gives for settings that make a run do nothing.
#include "rlab/core/suggest.h"

#include <gtest/gtest.h>

#include "rlab/core/config.h"
#include "test_support.h"

namespace rlab {
namespace {

TEST(Suggest, EditDistanceCountsATranspositionAsOneEdit) {
  EXPECT_EQ(EditDistance("stpes", "steps"), 1u);
  EXPECT_EQ(EditDistance("trian", "train"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestNamesKeepsTiesAndRefusesFarNames) {
  const std::vector<std::string> names = {"train-rl", "train-rm", "report"};
  EXPECT_EQ(ClosestNames("train-rx", names, 2), (std::vector<std::string>{"train-rl", "train-rm"}));
  EXPECT_TRUE(ClosestNames("zzzzzz", names, TypoDistanceFor("zzzzzz")).empty());
}

TEST(Suggest, AKeyWhoseLastPartIsPartOfAValidKeyInItsSectionIsSuggested) {
  const std::vector<std::string> keys = {"run.name", "run.seed", "run.out_dir", "train.lr"};
  EXPECT_EQ(DidYouMeanKey("run.dir", keys), " (did you mean 'run.out_dir'?)");
  EXPECT_EQ(DidYouMeanKey("run.sede", keys), " (did you mean 'run.seed'?)");
  EXPECT_EQ(DidYouMeanKey("trian.lr", keys), " (did you mean 'train.lr'?)");
  EXPECT_EQ(DidYouMeanKey("train.momentum", keys), "");
}

struct Optim {
  int64_t steps = 100;
  int64_t eval_every = 10;
  template <class V>
  void Fields(V& v) {
    v("steps", steps, "optimiser steps");
    v("eval_every", eval_every, "steps between evaluations");
  }
  void Validate() const {
    if (eval_every > steps) config::Warn("eval_every is beyond steps");
  }
};

struct Example {
  std::string name = "demo";
  Optim optim;
  template <class V>
  void Fields(V& v) {
    v("name", name, "a name");
    v("optim", optim, "optimiser");
  }
};

TEST(Suggest, UnknownConfigKeysInYamlAndOverridesSayWhatWasMeantAndStillListTheValidOnes) {
  Example c;
  config::FieldTable t = config::FieldTable::Of(c);
  const std::string yaml =
      testing::ErrorOf([&] { t.ApplyYamlText("optim:\n  stpes: 3\n", "x.yaml"); });
  EXPECT_TRUE(testing::Contains(
      yaml, "x.yaml:2:3: unknown key 'optim.stpes' (did you mean 'optim.steps'?); valid keys "
            "under 'optim': eval_every, steps"))
      << yaml;
  const std::string top = testing::ErrorOf([&] { t.ApplyYamlText("nmae: a\n", "x.yaml"); });
  EXPECT_TRUE(
      testing::Contains(top, "unknown key 'nmae' (did you mean 'name'?); valid keys: name, optim"))
      << top;
  const std::string override_error = testing::ErrorOf([&] { t.ApplyOverride("optim.every=3"); });
  EXPECT_TRUE(testing::Contains(override_error,
                                "unknown key 'optim.every' (did you mean 'optim.eval_every'?); "
                                "valid keys: name, optim.steps, optim.eval_every"))
      << override_error;
}

TEST(Suggest, ValidateReturnsTheWarningsOfDoNothingSettingsNamingTheirSection) {
  Example c;
  config::FieldTable t = config::FieldTable::Of(c);
  EXPECT_TRUE(t.Validate().empty());
  t.ApplyOverride("optim.eval_every=1000");
  EXPECT_EQ(t.Validate(), (std::vector<std::string>{"config 'optim': eval_every is beyond steps"}));
}

}  // namespace
}  // namespace rlab
