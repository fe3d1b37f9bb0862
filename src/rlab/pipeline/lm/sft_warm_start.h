// The SFT stage that preference optimisation and RL start from, as in the usual RLHF recipe
// (Ouyang et al., "Training language models to follow instructions with human feedback",
// arXiv:2203.02155): with steps > 0, `model` is first fine-tuned on the task's demonstrations
// in a child run <run>/sft-<timestamp> (pipeline/run/stage_run.h), and the resulting model is both
// the starting policy and the frozen reference. With steps = 0 the model is used as given.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace rlab::pipeline {

struct SftWarmStart {
  int64_t steps = 0;
  int64_t batch_size = 64;
  double learning_rate = 3e-3;
  int64_t examples = 20000;

  template <class V>
  void Fields(V& v) {
    v("steps", steps,
      "SFT steps on the task's demonstrations before this run (0 = start "
      "from model as given)");
    v("batch_size", batch_size, "SFT batch size");
    v("learning_rate", learning_rate, "SFT peak learning rate");
    v("examples", examples, "demonstrations drawn from the task for SFT");
  }
  void Validate() const;
};

struct WarmStartRequest {
  std::string model;      // preset or directory to fine-tune
  std::string tokenizer;  // empty: the model's own
  std::string task;       // task:SPEC whose demonstrations SFT trains on
  std::filesystem::path parent;
  uint64_t seed = 1;
  std::optional<int> threads;  // the parent's run.threads
  int blas_threads = 0;        // the parent's run.blas_threads
};

// The model the run starts from: `request.model` itself when steps is 0, otherwise the SFT
// child run's <child>/model directory.
std::string WarmStartModel(const SftWarmStart& sft, const WarmStartRequest& request);

}  // namespace rlab::pipeline
