// The SFT policy of the keywords task that the overoptimisation and DPO learning tests start
// from: the preference pipelines' own warm start (sft_warm_start.h) with examples/overopt.yaml's
// and examples/dpo_synthetic.yaml's settings (600 steps of 32 demonstrations, lr 1e-3, seed 1,
// one thread), which is most of the overoptimisation test's time. CTest trains it once per run
// in the fixture test KeywordsSftPolicy.TrainsTheWarmStartOfTheLabAndDpoTests (FIXTURES_SETUP
// in tests/CMakeLists.txt), before the tests that need it. A test run on its own, outside CTest,
// reuses the policy the last fixture run left in the build tree, or trains it when there is none.
#pragma once

#include <filesystem>
#include <string>

#include "rlab/pipeline/lm/sft_warm_start.h"
#include "test_support.h"

namespace rlab::testing {

inline std::filesystem::path KeywordsSftPolicyDir() {
  return std::filesystem::path(RLAB_BINARY_DIR) / "test-scratch" / "keywords-sft-policy";
}

// Trains the policy afresh in KeywordsSftPolicyDir(); returns its model directory.
inline std::filesystem::path TrainKeywordsSftPolicy() {
  namespace fs = std::filesystem;
  const fs::path dir = KeywordsSftPolicyDir();
  fs::remove_all(dir);
  fs::create_directories(dir);
  pipeline::SftWarmStart sft;
  sft.steps = 600;
  sft.batch_size = 32;
  sft.learning_rate = 1e-3;
  const std::string model = pipeline::WarmStartModel(sft, {.model = "preset:tiny",
                                                           .task = "task:keywords",
                                                           .parent = dir,
                                                           .seed = 1,
                                                           .threads = 1,
                                                           .blas_threads = 1});
  WriteText(dir / "model_path", model);
  return model;
}

// The policy's model directory, trained first when no finished one is there.
inline std::filesystem::path KeywordsSftPolicy() {
  const std::filesystem::path finished = KeywordsSftPolicyDir() / "model_path";
  if (std::filesystem::exists(finished)) return ReadText(finished);
  return TrainKeywordsSftPolicy();
}

}  // namespace rlab::testing
