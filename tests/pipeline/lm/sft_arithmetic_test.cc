// Issue-level learning test: SFT teaches the tiny preset two-digit addition to at least 90%
// exact match on held-out problems (fixed seed), with the settings of
// examples/sft_arithmetic.yaml.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"
#include "pipeline/run_files.h"

namespace rlab::pipeline {
namespace {

TEST(SftArithmetic, TinyPresetLearnsTwoDigitAddition) {
  testing::ScratchDir dir("sft_arithmetic");
  const nlohmann::json s =
      testing::RunSummary(testing::RunExampleConfig("sft_arithmetic.yaml", dir));
  std::printf("summary: %s\n", s.dump().c_str());
  EXPECT_GE(s["exact_match"].get<double>(), 0.9) << s.dump();
  EXPECT_LE(s["exact_match_start"].get<double>(), 0.05) << s.dump();
}

}  // namespace
}  // namespace rlab::pipeline
