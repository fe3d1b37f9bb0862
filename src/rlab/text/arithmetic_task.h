// Arithmetic prompts such as "12+35=" whose completion is the exact result ("47"): the
// verifiable-reward task of RL for language models in miniature (exact match, as in the
// GSM8K-style rewards of DeepSeekMath's GRPO, Shao et al. 2024, arXiv:2402.03300).
#pragma once

#include <string>
#include <string_view>

#include "rlab/text/text_task.h"

namespace rlab::data {

struct ArithmeticOptions {
  int digits = 2;               // operands are drawn uniformly from [0, 10^digits)
  std::string ops = "+";        // operators to draw from, any of "+", "-" and "*"
  int test_share_percent = 10;  // operand pairs reserved for the test split (by a fixed hash)
  // Share of demonstrations (SampleDemonstration) answered one too high: a demonstrator with a
  // systematic flaw, so that SFT learns the flaw along with the skill and RL with the
  // exact-match reward has something to correct. Sample's answers stay exact.
  int demo_error_percent = 0;
  void Validate() const;
};

class ArithmeticTask : public TextTask {
 public:
  explicit ArithmeticTask(ArithmeticOptions options);
  TaskExample Sample(Rng& rng, TaskSplit split) const override;
  TaskExample SampleDemonstration(Rng& rng, TaskSplit split) const override;
  // The right answer half of the time, else a wrong one within 10 of it.
  std::string SampleResponse(std::string_view prompt, Rng& rng) const override;
  // 1 when the completion, up to its first newline and without surrounding spaces, is the
  // result written in decimal; else 0.
  double GoldReward(std::string_view prompt, std::string_view completion) const override;
  std::string MetricName() const override { return "exact_match"; }
  double EvalTemperature() const override { return 0.0; }
  int64_t MaxCompletionChars() const override;
  std::string Describe() const override;

  // The result of a prompt "A<op>B=", or an error naming the prompt.
  long long Answer(std::string_view prompt) const;
  bool InTestSplit(long long a, long long b, char op) const;

 private:
  ArithmeticOptions options_;
};

}  // namespace rlab::data
