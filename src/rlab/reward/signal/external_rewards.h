// Reward functions that the program hosting the engine supplies by name for the length of a
// run: the Python package's `rewardlab.run(config, reward_functions={"brevity": fn})` fills
// this table, and the reward source python(name=brevity) of the rl pipeline's `reward` list
// (text_reward_source.h) scores each batch with the function registered as "brevity". A
// function takes the prompts and completions of a batch (with their reference answers and
// prompt-file columns where there are some) and returns one reward per completion;
// every batch it returns is checked (one finite reward per completion), and an error it raises
// comes back as an rlab::Error that names the function and keeps its message.
#pragma once

#include <torch/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rlab::data {
struct PromptColumns;
}

namespace rlab::reward {

// What a function is given: one entry per completion in each list.
struct ExternalRewardBatch {
  const std::vector<std::string>& prompts;  // each completion's prompt
  const std::vector<std::string>& completions;
  // Empty, or the reference answer of each completion's prompt where its task has one.
  const std::vector<std::optional<std::string>>& answers;
  // Empty, or the record of each completion's prompt in a prompt file: its other columns.
  const std::vector<const data::PromptColumns*>& records;
};
// One batch -> one reward per completion.
using ExternalRewardFn = std::function<std::vector<double>(const ExternalRewardBatch&)>;
using NamedExternalRewards = std::vector<std::pair<std::string, ExternalRewardFn>>;

// The reward-source spec that names a registered function: python(name=NAME).
inline constexpr std::string_view kExternalRewardSpec = "python";

// Registers `functions` while it lives. A name may be registered by one scope at a time (two
// runs in one process each bring their own names); an empty name is an error.
class ScopedExternalRewards {
 public:
  explicit ScopedExternalRewards(NamedExternalRewards functions);
  ~ScopedExternalRewards();
  ScopedExternalRewards(const ScopedExternalRewards&) = delete;
  ScopedExternalRewards& operator=(const ScopedExternalRewards&) = delete;

 private:
  std::vector<std::string> names_;
};

// The names registered now, sorted.
std::vector<std::string> ExternalRewardNames();

// One registered function, as a reward source holds it (a copy: it stays usable if the
// registering scope ends first).
class ExternalReward {
 public:
  // Fails unless `name` is registered, listing the names that are.
  explicit ExternalReward(std::string name);
  // The rewards of a batch [N] float32. Fails, naming the function, when it raises, returns
  // other than one reward per completion, or returns a non-finite reward (with its index).
  torch::Tensor Score(const ExternalRewardBatch& batch) const;
  const std::string& name() const { return name_; }
  std::string Describe() const;  // python(name=NAME)

 private:
  std::string name_;
  ExternalRewardFn fn_;
};

}  // namespace rlab::reward
