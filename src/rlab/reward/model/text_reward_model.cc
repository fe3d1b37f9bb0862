#include "rlab/reward/model/text_reward_model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/text/preference_tokens.h"
#include "rlab/text/tokenizer/tokenizer_files.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/reward/model/rm_batch.h"

namespace rlab::reward {

namespace fs = std::filesystem;

namespace {

constexpr const char* kEnsembleIndex = "ensemble.json";
constexpr const char* kObjectiveKey = "rlab_objective";

std::string ObjectiveOf(const fs::path& dir) {
  const nlohmann::json config = ReadJsonFile(dir / "config.json");
  if (!config.contains(kObjectiveKey)) return "bradley_terry";
  RLAB_CHECK(config[kObjectiveKey].is_string(), "{}: '{}' must be a string",
             (dir / "config.json").string(), kObjectiveKey);
  return config[kObjectiveKey].get<std::string>();
}

}  // namespace

TextRewardModel::TextRewardModel(std::vector<models::SequenceRewardModel> members,
                                 std::string objective_spec,
                                 std::unique_ptr<models::Tokenizer> tokenizer)
    : members_(std::move(members)),
      objective_spec_(std::move(objective_spec)),
      objective_(MakeRmObjective(objective_spec_)),
      tokenizer_(std::move(tokenizer)) {
  RLAB_CHECK(!members_.empty(), "a reward model needs at least one member");
  for (const auto& m : members_) {
    RLAB_CHECK(m->num_labels() == objective_->head_size(),
               "a reward model with {} outputs cannot be read as {} ({} outputs)", m->num_labels(),
               objective_->Describe(), objective_->head_size());
  }
}

torch::Tensor TextRewardModel::MemberOutputs(const torch::Tensor& ids,
                                             const torch::Tensor& attention_mask) {
  std::vector<torch::Tensor> outputs;
  for (auto& m : members_) outputs.push_back(m->Outputs(ids, attention_mask));
  return torch::stack(outputs);
}

torch::Tensor TextRewardModel::Outputs(const torch::Tensor& ids,
                                       const torch::Tensor& attention_mask) {
  return MemberOutputs(ids, attention_mask).mean(0);
}

torch::Tensor TextRewardModel::MemberRewards(const torch::Tensor& ids,
                                             const torch::Tensor& attention_mask) {
  std::vector<torch::Tensor> rewards;
  for (auto& m : members_) {
    const auto r = objective_->Reward(m->Outputs(ids, attention_mask));
    RLAB_CHECK(r.has_value(), "{} gives no scalar reward; compare responses pairwise",
               objective_->Describe());
    rewards.push_back(*r);
  }
  return torch::stack(rewards);
}

torch::Tensor TextRewardModel::MemberRewardsOfTexts(const std::vector<std::string>& prompts,
                                                    const std::vector<std::string>& completions,
                                                    int64_t max_length, int64_t batch_size) {
  return TextsInBatches(prompts, completions, max_length, batch_size,
                        [this](const torch::Tensor& ids, const torch::Tensor& mask) {
                          return MemberRewards(ids, mask);
                        });
}

torch::Tensor TextRewardModel::MemberOutputsOfTexts(const std::vector<std::string>& prompts,
                                                    const std::vector<std::string>& completions,
                                                    int64_t max_length, int64_t batch_size) {
  return TextsInBatches(prompts, completions, max_length, batch_size,
                        [this](const torch::Tensor& ids, const torch::Tensor& mask) {
                          return MemberOutputs(ids, mask);
                        });
}

torch::Tensor TextRewardModel::TextsInBatches(
    const std::vector<std::string>& prompts, const std::vector<std::string>& completions,
    int64_t max_length, int64_t batch_size,
    const std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>& score) {
  RLAB_CHECK(prompts.size() == completions.size(), "{} prompts for {} completions", prompts.size(),
             completions.size());
  std::vector<data::PreferenceRecord> records(prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    records[i].prompt = prompts[i];
    records[i].responses = {completions[i]};
  }
  const auto examples =
      data::TokenizePreferences(records, *tokenizer_, max_length, data::Truncation::kKeepEnd);
  const int64_t pad = tokenizer_->pad_id().value_or(tokenizer_->eos_id().value_or(0));
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  std::vector<int64_t> idx;
  for (std::size_t start = 0; start < examples.size(); start += batch_size) {
    idx.resize(std::min<std::size_t>(batch_size, examples.size() - start));
    std::iota(idx.begin(), idx.end(), static_cast<int64_t>(start));
    const RmBatch batch = CollatePreferences(examples, idx, pad);
    parts.push_back(score(batch.ids, batch.attention_mask));
  }
  if (parts.empty()) return torch::zeros({size(), 0});
  return torch::cat(parts, 1);
}

std::string TextRewardModel::Describe() const {
  const auto& c = members_.front()->backbone->config();
  return fmt::format("{} reward model{} ({} layers, width {}), objective {}", members_.size(),
                     members_.size() == 1 ? "" : "s in an ensemble", c.num_layers, c.hidden_size,
                     objective_->Describe());
}

bool IsEnsembleDir(const fs::path& dir) { return fs::exists(dir / kEnsembleIndex); }

TextRewardModel LoadTextRewardModel(const fs::path& dir) {
  RLAB_CHECK(fs::is_directory(dir), "reward model '{}' is not a directory", dir.string());
  std::vector<fs::path> member_dirs;
  if (IsEnsembleDir(dir)) {
    const nlohmann::json index = ReadJsonFile(dir / kEnsembleIndex);
    RLAB_CHECK(
        index.contains("members") && index["members"].is_array() && !index["members"].empty(),
        "{}: needs a non-empty list \"members\"", (dir / kEnsembleIndex).string());
    for (const auto& m : index["members"]) {
      RLAB_CHECK(m.is_string(), "{}: members must be directory names",
                 (dir / kEnsembleIndex).string());
      member_dirs.push_back(dir / m.get<std::string>());
    }
  } else {
    member_dirs.push_back(dir);
  }
  const std::string objective = ObjectiveOf(member_dirs.front());
  std::vector<models::SequenceRewardModel> members;
  for (const fs::path& m : member_dirs) {
    RLAB_CHECK(ObjectiveOf(m) == objective, "{}: objective {} differs from the first member's {}",
               m.string(), ObjectiveOf(m), objective);
    members.push_back(models::LoadSequenceRewardModel(m));
    members.back()->eval();
  }
  const fs::path tokenizer_dir = models::HasTokenizerFiles(dir) ? dir : member_dirs.front();
  RLAB_CHECK(models::HasTokenizerFiles(tokenizer_dir),
             "{}: no tokenizer files next to the reward model", dir.string());
  return TextRewardModel(std::move(members), objective, models::LoadTokenizer(tokenizer_dir));
}

void SaveRewardModelDir(const models::SequenceRewardModel& model, const std::string& objective_spec,
                        const models::Tokenizer* tokenizer, const fs::path& tokenizer_source,
                        const fs::path& dir) {
  models::SaveSequenceRewardModel(model, dir, {{kObjectiveKey, objective_spec}});
  models::SaveTokenizerFiles(tokenizer, tokenizer_source, dir);
}

void WriteEnsembleIndex(const fs::path& dir, const std::vector<std::string>& members) {
  fs::create_directories(dir);
  WriteFileAtomic(dir / kEnsembleIndex, nlohmann::json{{"members", members}}.dump(2) + "\n");
}

models::SequenceRewardModel AverageWeights(
    const std::vector<models::SequenceRewardModel>& members) {
  RLAB_CHECK(!members.empty(), "weight averaging needs at least one member");
  const auto& first = members.front();
  models::SequenceRewardModel average(first->backbone->config(), first->num_labels(),
                                      first->pooling());
  torch::NoGradGuard no_grad;
  auto target = average->named_parameters();
  for (auto& item : target) {
    torch::Tensor sum = torch::zeros_like(item.value());
    for (const auto& m : members) {
      const torch::Tensor* p = m->named_parameters().find(item.key());
      RLAB_CHECK(p != nullptr && p->sizes() == item.value().sizes(),
                 "weight averaging: members differ at parameter {}", item.key());
      sum += *p;
    }
    item.value().copy_(sum / static_cast<double>(members.size()));
  }
  average->eval();
  return average;
}

}  // namespace rlab::reward
