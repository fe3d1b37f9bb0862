#include "rlab/text/keyword_task.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "rlab/core/check.h"

namespace rlab::data {

void KeywordOptions::Validate() const {
  RLAB_CHECK(ideal_words >= 1, "keywords: ideal_words must be >= 1, got {}", ideal_words);
  RLAB_CHECK(min_words >= 1 && max_words >= min_words,
             "keywords: need 1 <= min_words <= max_words, got {} and {}", min_words, max_words);
  RLAB_CHECK(topic_rate >= 0 && off_topic_rate >= 0 && topic_rate + off_topic_rate <= 1,
             "keywords: topic_rate and off_topic_rate must be >= 0 and sum to at most 1");
  RLAB_CHECK(
      repeat_penalty >= 0 && length_penalty >= 0 && unknown_penalty >= 0 && stop_penalty >= 0,
      "keywords: penalties must be >= 0");
}

KeywordTask::KeywordTask(KeywordOptions options) : options_(options) { options_.Validate(); }

const std::vector<KeywordTask::Topic>& KeywordTask::Topics() {
  static const std::vector<Topic> topics = {
      {"sea", {"fish", "boat", "wave", "shore"}}, {"farm", {"cow", "barn", "hay", "goat"}},
      {"city", {"car", "road", "tower", "bus"}},  {"forest", {"tree", "owl", "moss", "deer"}},
      {"sky", {"cloud", "star", "moon", "bird"}}, {"kitchen", {"pot", "bread", "soup", "oven"}},
  };
  return topics;
}

const std::vector<std::string>& KeywordTask::FillerWords() {
  static const std::vector<std::string> words = {
      "the", "a",  "big", "small", "red", "old",  "new",  "one",  "two",  "saw",
      "and", "is", "was", "has",   "by",  "near", "with", "very", "then", "see"};
  return words;
}

const KeywordTask::Topic& KeywordTask::TopicOf(std::string_view prompt) const {
  RLAB_CHECK(!prompt.empty() && prompt.back() == ':',
             "keywords: prompt '{}' is not of the form TOPIC:", prompt);
  const std::string_view name = prompt.substr(0, prompt.size() - 1);
  for (const Topic& t : Topics()) {
    if (t.name == name) return t;
  }
  RLAB_FAIL("keywords: prompt '{}' names no topic of this task", prompt);
}

TaskExample KeywordTask::Sample(Rng& rng, TaskSplit /*split*/) const {
  const int64_t topic_index = rng.UniformInt(static_cast<int64_t>(Topics().size()));
  return {Topics()[topic_index].name + ":", SampleSentence(topic_index, rng)};
}

std::string KeywordTask::SampleResponse(std::string_view prompt, Rng& rng) const {
  const std::size_t topic_index = &TopicOf(prompt) - Topics().data();
  return SampleSentence(topic_index, rng);
}

std::string KeywordTask::SampleSentence(std::size_t topic_index, Rng& rng) const {
  const auto& topics = Topics();
  const Topic& topic = topics[topic_index];
  const int64_t n =
      options_.min_words + rng.UniformInt(options_.max_words - options_.min_words + 1);
  std::string completion;
  for (int64_t i = 0; i < n; ++i) {
    const double u = rng.Uniform();
    std::string word;
    if (u < options_.topic_rate) {
      word = topic.words[rng.UniformInt(static_cast<int64_t>(topic.words.size()))];
    } else if (u < options_.topic_rate + options_.off_topic_rate) {
      // Another topic's word: drawn from the other topics only.
      int64_t other = rng.UniformInt(static_cast<int64_t>(topics.size()) - 1);
      if (other >= static_cast<int64_t>(topic_index)) ++other;
      const auto& words = topics[other].words;
      word = words[rng.UniformInt(static_cast<int64_t>(words.size()))];
    } else {
      word = FillerWords()[rng.UniformInt(static_cast<int64_t>(FillerWords().size()))];
    }
    completion += " " + word;
  }
  completion += ".";
  return completion;
}

double KeywordTask::GoldReward(std::string_view prompt, std::string_view completion) const {
  const Topic& topic = TopicOf(prompt);
  const std::size_t newline = completion.find('\n');
  if (newline != std::string_view::npos) completion = completion.substr(0, newline);
  while (!completion.empty() && completion.back() == ' ') completion.remove_suffix(1);
  double reward = 0.0;
  if (!completion.empty() && completion.back() == '.') {
    completion.remove_suffix(1);
  } else {
    reward -= options_.stop_penalty;
  }
  std::set<std::string> vocabulary(FillerWords().begin(), FillerWords().end());
  for (const Topic& t : Topics()) vocabulary.insert(t.words.begin(), t.words.end());
  std::map<std::string, int> counts;
  int words = 0;
  std::size_t pos = 0;
  while (pos < completion.size()) {
    const std::size_t space = completion.find(' ', pos);
    const std::size_t end = space == std::string_view::npos ? completion.size() : space;
    if (end > pos) {
      const std::string word(completion.substr(pos, end - pos));
      ++counts[word];
      ++words;
      if (!vocabulary.count(word)) reward -= options_.unknown_penalty;
    }
    pos = end + 1;
  }
  for (const auto& [word, count] : counts) {
    if (std::find(topic.words.begin(), topic.words.end(), word) != topic.words.end()) reward += 1.0;
    reward -= options_.repeat_penalty * (count - 1);
  }
  reward -= options_.length_penalty * std::max(0, words - options_.ideal_words);
  return reward;
}

double KeywordTask::MaxGoldReward() const {
  return static_cast<double>(Topics().front().words.size());
}

int64_t KeywordTask::MaxCompletionChars() const {
  // Every word has at most 6 letters and a space before it, then the full stop.
  return 7 * std::max(options_.max_words, options_.ideal_words + 4) + 1;
}

std::string KeywordTask::Describe() const {
  return fmt::format("keywords(ideal_words={}, repeat_penalty={}, length_penalty={})",
                     options_.ideal_words, options_.repeat_penalty, options_.length_penalty);
}

}  // namespace rlab::data
