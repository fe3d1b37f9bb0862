// Chained arithmetic: a prompt such as "12+7*3-9=" is evaluated left to right, one operation a
// step, and the completion writes every step out, "12+7=19;19*3=57;57-9=48". The task with
// step-level truth of process rewards in miniature (the step-by-step solutions of PRM800K and
// Math-Shepherd, whose labels say which steps are right): each step is right or wrong on its
// own, a wrong intermediate value carries into the steps after it, and the final answer is the
// last step's result. Difficulty grows with the number of steps and the operand digits.
//
// Gold: GoldReward is exact match of the final answer (the value after the last '=' of the
// last step); StepLabels is true while the chain is still right: step k must read
// "v_k<op>b_k=v_{k+1}" with the true running values v (spaces ignored), and a step past the
// problem's last operation is wrong. A step is well formed when it has that shape
// ("A<op>B=C" with integers A, B, C) whatever its values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/step_truth.h"
#include "rlab/text/text_task.h"

namespace rlab::data {

struct ChainOptions {
  int steps = 3;                // operations per problem (one step each)
  int digits = 2;               // operands are drawn uniformly from [0, 10^digits)
  std::string ops = "+-";       // operators to draw from, any of "+", "-" and "*"
  int test_share_percent = 10;  // problems reserved for the test split (by a fixed hash)
  // Per step of a demonstration (SampleDemonstration), the chance that its result is off by a
  // small amount (1 to 3 either way); the steps after it carry the wrong value on. Sample's
  // solutions stay exact.
  int demo_step_error_percent = 0;
  void Validate() const;
};

// A problem: the first operand, then one operator and operand per step.
struct ChainProblem {
  long long first = 0;
  std::vector<char> ops;
  std::vector<long long> operands;
};

class ChainTask : public TextTask, public StepTruth {
 public:
  explicit ChainTask(ChainOptions options);

  TaskExample Sample(Rng& rng, TaskSplit split) const override;
  TaskExample SampleDemonstration(Rng& rng, TaskSplit split) const override;
  // The right solution half of the time; else one whose first wrong step is drawn uniformly,
  // later steps carrying the wrong value on (and each wrong again with chance 1/4).
  std::string SampleResponse(std::string_view prompt, Rng& rng) const override;
  double GoldReward(std::string_view prompt, std::string_view completion) const override;
  const StepTruth* Steps() const override { return this; }
  std::string MetricName() const override { return "exact_match"; }
  double EvalTemperature() const override { return 0.0; }
  int64_t MaxCompletionChars() const override;
  std::string Describe() const override;

  // StepTruth: steps are separated by ";" on the completion's first line.
  std::string Delimiter() const override { return ";"; }
  std::vector<std::string> SplitSteps(std::string_view completion) const override;
  std::vector<std::size_t> StepEnds(std::string_view completion) const override;
  std::vector<bool> StepLabels(std::string_view prompt, std::string_view completion) const override;
  bool WellFormed(std::string_view step) const override;

  // The problem a prompt "A<op>B<op>C...=" states, or an error naming the prompt.
  ChainProblem Parse(std::string_view prompt) const;
  // The running values v_0 (the first operand) .. v_steps (the answer).
  static std::vector<long long> Values(const ChainProblem& problem);
  bool InTestSplit(const ChainProblem& problem) const;

 private:
  // The completion that writes out `problem` step by step where `error_at(k)` offsets step k's
  // result (0 for a right step), carrying each result into the next step.
  template <typename ErrorAt>
  static std::string Solve(const ChainProblem& problem, ErrorAt error_at);
  ChainProblem Draw(Rng& rng, TaskSplit split) const;

  ChainOptions options_;
};

}  // namespace rlab::data
