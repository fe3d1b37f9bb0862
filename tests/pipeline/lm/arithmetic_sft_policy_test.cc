// The fixture of the GRPO learning test (sft_policies.h), and the issue-level check that SFT
// learns: the tiny preset fine-tuned on a flawed demonstrator (60% of its answers one too high,
// examples/grpo_arithmetic.yaml's SFT stage: 2000 steps, about 150 process-seconds) learns
// two-digit addition together with the flaw. Greedy answers to 200 held-out problems are the
// right result or the demonstrator's one-too-high in at least 90% of cases (the skill), and as
// the flaw is the demonstrator's majority answer, exact match stays below 50% (its mode, which
// the GRPO test then corrects). The untrained model answers neither (exact match near 0). Seed
// 1, one thread: 98.5% within the demonstrator's two answers, exact match 8.5%.
#include <gtest/gtest.h>

#include <ATen/core/Generator.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/text/arithmetic_task.h"
#include "pipeline/run_files.h"
#include "pipeline/sft_policies.h"

namespace rlab::pipeline {
namespace {

TEST(ArithmeticSftPolicy, LearnsAdditionWithTheDemonstratorsFlawAsItsMode) {
  const std::filesystem::path dir = testing::TrainSftPolicy(testing::ArithmeticFlawSftFixture());
  const nlohmann::json s = testing::RunSummary(dir.parent_path());
  std::printf("summary: %s\n", s.dump().c_str());
  EXPECT_LE(s["exact_match_start"].get<double>(), 0.05) << s.dump();

  const data::ArithmeticTask task({.digits = 2, .demo_error_percent = 60});
  Rng rng(7);
  std::vector<std::string> prompts;
  for (int i = 0; i < 200; ++i) prompts.push_back(task.Sample(rng, data::TaskSplit::kTest).prompt);
  models::LanguageModel lm = models::OpenLanguageModel(dir.string(), /*init_seed=*/1);
  lm.model->eval();
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(1);
  const eval::TaskEvalResult result =
      eval::EvaluateOnTask(lm.model, *lm.tokenizer, task, prompts,
                           eval::TaskGenerationOptions(task, *lm.tokenizer), 64, generator);
  int exact = 0, demonstrated = 0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    // The task's own reading of an answer (up to a newline, spaces trimmed), for both answers.
    const bool right = result.gold[i] == 1.0;
    const std::string too_high = fmt::format("{}", task.Answer(prompts[i]) + 1);
    const bool flawed =
        task.GoldReward(fmt::format("{}+0=", too_high), result.completions[i]) == 1.0;
    exact += right;
    demonstrated += right || flawed;
  }
  const double n = static_cast<double>(prompts.size());
  std::printf("held out: exact %.3f, one of the demonstrator's answers %.3f\n", exact / n,
              demonstrated / n);
  EXPECT_GE(demonstrated / n, 0.9);
  EXPECT_LT(exact / n, 0.5);
}

}  // namespace
}  // namespace rlab::pipeline
