#include "rlab/reward/signal/external_rewards.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"

namespace rlab::reward {

namespace {

struct ExternalRewardTable {
  std::mutex mutex;
  std::map<std::string, ExternalRewardFn> functions;
};

ExternalRewardTable& Table() {
  static ExternalRewardTable table;
  return table;
}

std::vector<std::string> NamesLocked(const ExternalRewardTable& table) {
  std::vector<std::string> names;
  for (const auto& [name, fn] : table.functions) names.push_back(name);
  return names;
}

}  // namespace

ScopedExternalRewards::ScopedExternalRewards(NamedExternalRewards functions) {
  ExternalRewardTable& table = Table();
  const std::lock_guard lock(table.mutex);
  for (const auto& [name, fn] : functions) {
    RLAB_CHECK(!name.empty(), "a reward function needs a name (reward_functions={{name: fn}})");
    RLAB_CHECK(fn != nullptr, "reward function '{}' is empty", name);
    RLAB_CHECK(!table.functions.contains(name),
               "reward function '{}' is already registered by a run in progress in this "
               "process; give this one another name",
               name);
  }
  for (auto& [name, fn] : functions) {
    table.functions.emplace(name, std::move(fn));
    names_.push_back(name);
  }
}

ScopedExternalRewards::~ScopedExternalRewards() {
  ExternalRewardTable& table = Table();
  const std::lock_guard lock(table.mutex);
  for (const std::string& name : names_) table.functions.erase(name);
}

std::vector<std::string> ExternalRewardNames() {
  ExternalRewardTable& table = Table();
  const std::lock_guard lock(table.mutex);
  return NamesLocked(table);
}

ExternalReward::ExternalReward(std::string name) : name_(std::move(name)) {
  ExternalRewardTable& table = Table();
  const std::lock_guard lock(table.mutex);
  const auto found = table.functions.find(name_);
  RLAB_CHECK(found != table.functions.end(),
             "{}: no reward function named '{}' is registered ({}); pass it to the run from "
             "Python: rewardlab.run(config, reward_functions={{\"{}\": fn}})",
             Describe(), name_,
             table.functions.empty() ? "none is" : "registered: " + JoinNames(NamesLocked(table)),
             name_);
  fn_ = found->second;
}

torch::Tensor ExternalReward::Score(const ExternalRewardBatch& batch) const {
  const std::vector<std::string>& completions = batch.completions;
  std::vector<double> rewards;
  try {
    rewards = fn_(batch);
  } catch (const std::exception& e) {
    RLAB_FAIL("reward function '{}' failed: {}", name_, e.what());
  }
  RLAB_CHECK(rewards.size() == completions.size(),
             "reward function '{}' returned {} rewards for {} completions; return one reward "
             "per completion",
             name_, rewards.size(), completions.size());
  const auto bad =
      std::find_if(rewards.begin(), rewards.end(), [](double r) { return !std::isfinite(r); });
  RLAB_CHECK(bad == rewards.end(),
             "reward function '{}' returned {} at index {} (completion {:?}); rewards must be "
             "finite",
             name_, *bad, bad - rewards.begin(), completions[bad - rewards.begin()]);
  return torch::tensor(rewards, torch::kFloat64).to(torch::kFloat32);  // [N]
}

std::string ExternalReward::Describe() const {
  return fmt::format("{}(name={})", kExternalRewardSpec, name_);
}

}  // namespace rlab::reward
