// Synthetic text tasks with programmatic gold rewards: CPU-scale stand-ins for the prompts,
// demonstrations and human judgements of language-model alignment. A task draws prompts with a
// demonstration (the data SFT learns from) and scores any completion with its hidden gold
// reward, which later stages use as the verifiable reward (RL), to label preferences (reward
// models, DPO) and as the true objective that a proxy reward can be hacked against.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/core/rng.h"

namespace rlab::data {

// Train and test prompts come from disjoint sets where the task has enough of them, so that
// held-out scores measure generalisation rather than recall.
enum class TaskSplit { kTrain, kTest };

struct TaskExample {
  std::string prompt;
  std::string completion;  // a demonstration drawn from the task's reference distribution
};

class ResponseGame;
class StepTruth;

class TextTask {
 public:
  virtual ~TextTask() = default;
  virtual TaskExample Sample(Rng& rng, TaskSplit split) const = 0;
  // A demonstration for supervised fine-tuning: Sample's, unless the task models a flawed
  // demonstrator (ArithmeticOptions::demo_error_percent). Sample's completion stays the
  // reference answer that verifiable rewards compare with.
  virtual TaskExample SampleDemonstration(Rng& rng, TaskSplit split) const {
    return Sample(rng, split);
  }
  // Another response to a prompt this task produced, from a distribution of varied quality
  // (good and bad answers), so that pairs of them make preference data.
  virtual std::string SampleResponse(std::string_view prompt, Rng& rng) const = 0;
  // The gold reward of `completion` (the generated text only, without the prompt) for a
  // prompt this task produced; a prompt it could not have produced is an error.
  virtual double GoldReward(std::string_view prompt, std::string_view completion) const = 0;
  // The gold preference P(a > b) between two completions of a prompt this task produced: the
  // probability that the task's hidden judge prefers `a`. By default it follows GoldReward
  // (1, 1/2 on a tie, 0), a transitive preference; a task whose judge is not a scalar reward
  // (preferences that cycle, with no Bradley-Terry reward behind them) overrides it. Always
  // P(a > b) + P(b > a) = 1.
  virtual double GoldPreference(std::string_view prompt, std::string_view a,
                                std::string_view b) const;
  // The game the task's judge plays over response types (text/response_game.h), or nullptr
  // when the judge is not one (every task with a scalar gold reward).
  virtual const ResponseGame* Game() const { return nullptr; }
  // The step-level truth of a multi-step task (text/step_truth.h), or nullptr where answers
  // have no steps.
  virtual const StepTruth* Steps() const { return nullptr; }
  // False for data without a hidden judge (a user's prompt file): GoldReward is then NaN and
  // pipelines report no gold metrics.
  virtual bool HasGoldReward() const { return true; }
  // The name the gold reward is reported under in summaries ("exact_match", "gold_reward").
  virtual std::string MetricName() const = 0;
  // The sampling temperature a model is scored at: 0 (greedy) where the task has one right
  // answer, 1 where quality is a property of the model's distribution of completions.
  virtual double EvalTemperature() const = 0;
  // Bytes a completion needs at most, for generation limits.
  virtual int64_t MaxCompletionChars() const = 0;
  virtual std::string Describe() const = 0;
};

using TextTaskRegistry = Registry<TextTask>;
TextTaskRegistry& TextTasks();
// Registers arithmetic, chain, keywords and cyclic (safe to call more than once).
void RegisterTextTasks();
// Registers the built-in tasks if needed, then creates the one `spec` names.
std::unique_ptr<TextTask> MakeTextTask(std::string_view spec);

}  // namespace rlab::data
