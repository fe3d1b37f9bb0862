// The SFT policies that several learning tests start from, trained once per CTest run by a
// fixture test (FIXTURES_SETUP in tests/CMakeLists.txt) before the tests that need them,
// instead of by each: the preference pipelines' own warm start (sft_warm_start.h) with the
// settings of the examples those tests shrink, so that a test starting from the fixture's model
// with `sft.steps=0` runs bit for bit as the example's own SFT stage would have. A test run on
// its own, outside CTest, reuses the policy the last fixture run left in the build tree, or
// trains it when there is none.
//   keywords     examples/overopt.yaml's and examples/dpo_synthetic.yaml's SFT stage (600 steps
//                of 32 demonstrations, lr 1e-3): the start of the overoptimisation and DPO tests
//   arithmetic   examples/grpo_arithmetic.yaml's (2000 steps of 64 demonstrations of the flawed
//                demonstrator, lr 3e-3): the start of the GRPO test
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "rlab/pipeline/lm/sft_warm_start.h"
#include "test_support.h"

namespace rlab::testing {

struct SftPolicyFixture {
  std::string name;  // the folder under test-scratch
  std::string task;  // task:SPEC
  pipeline::SftWarmStart sft;
};

inline SftPolicyFixture KeywordsSftFixture() {
  return {"keywords-sft-policy",
          "task:keywords",
          {.steps = 600, .batch_size = 32, .learning_rate = 1e-3}};
}

inline SftPolicyFixture ArithmeticFlawSftFixture() {
  return {"arithmetic-flaw-sft-policy",
          "task:arithmetic(digits=2, demo_error_percent=60)",
          {.steps = 2000, .batch_size = 64, .learning_rate = 3e-3}};
}

inline std::filesystem::path SftPolicyDir(const SftPolicyFixture& fixture) {
  return std::filesystem::path(RLAB_BINARY_DIR) / "test-scratch" / fixture.name;
}

// Trains the policy afresh in SftPolicyDir() (seed 1, one thread); returns its model directory.
inline std::filesystem::path TrainSftPolicy(const SftPolicyFixture& fixture) {
  namespace fs = std::filesystem;
  const fs::path dir = SftPolicyDir(fixture);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string model = pipeline::WarmStartModel(fixture.sft, {.model = "preset:tiny",
                                                                   .task = fixture.task,
                                                                   .parent = dir,
                                                                   .seed = 1,
                                                                   .threads = 1,
                                                                   .blas_threads = 1});
  WriteText(dir / "model_path", model);
  return model;
}

// The policy's model directory, trained first when no finished one is there.
inline std::filesystem::path SftPolicy(const SftPolicyFixture& fixture) {
  const std::filesystem::path finished = SftPolicyDir(fixture) / "model_path";
  if (std::filesystem::exists(finished)) return ReadText(finished);
  return TrainSftPolicy(fixture);
}

inline std::filesystem::path KeywordsSftPolicy() { return SftPolicy(KeywordsSftFixture()); }

}  // namespace rlab::testing
