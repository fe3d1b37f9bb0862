// A small text task whose quality is a hidden scoring function, the stand-in for human
// judgement in the overoptimisation experiments (after the gold-reward-model setup of Gao et
// al., "Scaling Laws for Reward Model Overoptimization", arXiv:2210.10760, made programmatic).
//
// A prompt names a topic ("sea:"); a completion is a short sentence of words ending in ".".
// The gold reward counts the distinct words of the prompt's topic that the sentence uses, and
// takes away for repeated words, for sentences longer than `ideal_words`, for words outside
// the task's vocabulary and for a missing full stop. A learned proxy that only notices topic
// words can be exploited by repeating them or by rambling: the gold reward punishes both.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/text_task.h"

namespace rlab::data {

struct KeywordOptions {
  int ideal_words = 8;          // sentences longer than this lose length_penalty per word
  double repeat_penalty = 0.5;  // per occurrence of a word beyond its first
  double length_penalty = 0.3;
  double unknown_penalty = 0.5;  // per word outside the vocabulary
  double stop_penalty = 1.0;     // when the sentence does not end with "."
  // The demonstrations: a length uniform in [min_words, max_words]; each word is one of the
  // topic's with probability topic_rate, another topic's with off_topic_rate, else filler.
  int min_words = 3;
  int max_words = 12;
  double topic_rate = 0.3;
  double off_topic_rate = 0.1;
  void Validate() const;
};

class KeywordTask : public TextTask {
 public:
  explicit KeywordTask(KeywordOptions options);
  // Both splits draw from the same topics: the task has too few prompts to hold some out.
  TaskExample Sample(Rng& rng, TaskSplit split) const override;
  // A sentence from the demonstration distribution for the prompt's topic.
  std::string SampleResponse(std::string_view prompt, Rng& rng) const override;
  double GoldReward(std::string_view prompt, std::string_view completion) const override;
  std::string MetricName() const override { return "gold_reward"; }
  // Greedy decoding of a distribution over many acceptable sentences repeats its likeliest
  // word; the task is scored on samples.
  double EvalTemperature() const override { return 1.0; }
  int64_t MaxCompletionChars() const override;
  std::string Describe() const override;

  struct Topic {
    std::string name;
    std::vector<std::string> words;
  };
  static const std::vector<Topic>& Topics();
  static const std::vector<std::string>& FillerWords();
  // The largest gold reward any completion can reach (every topic word once, nothing else).
  double MaxGoldReward() const;

 private:
  const Topic& TopicOf(std::string_view prompt) const;
  std::string SampleSentence(std::size_t topic_index, Rng& rng) const;
  KeywordOptions options_;
};

}  // namespace rlab::data
