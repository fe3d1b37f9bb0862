#include "rlab/reward/model/process_reward_model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/text/tokenizer/tokenizer_files.h"

namespace rlab::reward {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPrmObjectiveKey = "rlab_objective";
constexpr const char* kPrmObjectiveName = "process_reward";
constexpr const char* kPrmInfoKey = "rlab_process_reward";

}  // namespace

StepExample TokenizeSteps(const models::Tokenizer& tokenizer, std::string_view prompt,
                          std::string_view completion,
                          const std::vector<std::size_t>& step_end_chars, std::vector<bool> labels,
                          std::string_view where) {
  RLAB_CHECK(labels.empty() || labels.size() == step_end_chars.size(), "{}: {} steps but {} labels",
             where, step_end_chars.size(), labels.size());
  StepExample example;
  example.ids = tokenizer.EncodeWithBos(prompt);
  const auto prompt_tokens = static_cast<int64_t>(example.ids.size());
  const std::vector<int64_t> completion_ids = tokenizer.Encode(completion);
  const std::vector<int64_t> ends = StepEndTokens(tokenizer, completion_ids, step_end_chars);
  RLAB_CHECK(ends.size() == step_end_chars.size(),
             "{}: a step ends at character {} but the completion has {}", where,
             step_end_chars.empty() ? 0 : step_end_chars.back(), completion.size());
  example.ids.insert(example.ids.end(), completion_ids.begin(), completion_ids.end());
  for (const int64_t t : ends) example.step_tokens.push_back(prompt_tokens + t);
  example.labels = std::move(labels);
  return example;
}

StepExample OutcomeOnly(const StepExample& example) {
  StepExample outcome{example.ids, {}, {}};
  if (example.step_tokens.empty()) return outcome;
  outcome.step_tokens = {example.step_tokens.back()};
  if (!example.labels.empty()) {
    outcome.labels = {std::all_of(example.labels.begin(), example.labels.end(),
                                  [](bool right) { return right; })};
  }
  return outcome;
}

int64_t StepBatch::Tokens() const { return attention_mask.sum().item<int64_t>(); }

StepBatch CollateSteps(const std::vector<StepExample>& examples, std::span<const int64_t> indices,
                       int64_t pad_token_id) {
  const auto n = static_cast<int64_t>(indices.size());
  std::size_t width = 1, steps = 0;
  bool labelled = true;
  for (const int64_t i : indices) {
    width = std::max(width, examples[i].ids.size());
    steps += examples[i].step_tokens.size();
    labelled = labelled && examples[i].labels.size() == examples[i].step_tokens.size();
  }
  const auto t = static_cast<int64_t>(width);
  StepBatch b;
  b.ids = torch::full({n, t}, pad_token_id, torch::kInt64);
  b.attention_mask = torch::zeros({n, t}, torch::kInt64);
  std::vector<int64_t> rows, columns;
  std::vector<float> labels;
  rows.reserve(steps), columns.reserve(steps), labels.reserve(steps);
  auto ids = b.ids.accessor<int64_t, 2>();
  auto mask = b.attention_mask.accessor<int64_t, 2>();
  for (int64_t r = 0; r < n; ++r) {
    const StepExample& e = examples[indices[r]];
    for (std::size_t k = 0; k < e.ids.size(); ++k) ids[r][k] = e.ids[k], mask[r][k] = 1;
    for (std::size_t k = 0; k < e.step_tokens.size(); ++k) {
      rows.push_back(r);
      columns.push_back(e.step_tokens[k]);
      if (labelled) labels.push_back(e.labels[k] ? 1.0f : 0.0f);
    }
  }
  const auto s = static_cast<int64_t>(rows.size());
  b.rows = torch::tensor(rows, torch::kInt64).reshape({s});
  b.columns = torch::tensor(columns, torch::kInt64).reshape({s});
  if (labelled) b.labels = torch::tensor(labels, torch::kFloat32).reshape({s});
  return b;
}

torch::Tensor StepLogits(models::SequenceRewardModel& model, const StepBatch& batch) {
  const torch::Tensor hidden = model->backbone->Hidden(batch.ids, batch.attention_mask);  // [B,T,d]
  const torch::Tensor at_steps = hidden.index({batch.rows, batch.columns});               // [S, d]
  return model->score(at_steps).squeeze(-1);                                              // [S]
}

std::vector<std::vector<double>> StepProbabilities(models::SequenceRewardModel& model,
                                                   const std::vector<StepExample>& examples,
                                                   int64_t batch_size, int64_t pad_token_id) {
  RLAB_CHECK(batch_size >= 1, "process reward model: batch_size must be >= 1");
  torch::NoGradGuard no_grad;
  std::vector<std::vector<double>> out(examples.size());
  std::vector<int64_t> idx;
  for (std::size_t start = 0; start < examples.size(); start += batch_size) {
    idx.resize(std::min<std::size_t>(batch_size, examples.size() - start));
    std::iota(idx.begin(), idx.end(), static_cast<int64_t>(start));
    const StepBatch batch = CollateSteps(examples, idx, pad_token_id);
    const torch::Tensor p = torch::sigmoid(StepLogits(model, batch)).to(torch::kFloat64);  // [S]
    const auto prob = p.accessor<double, 1>();
    int64_t s = 0;
    for (const int64_t i : idx) {
      for (std::size_t k = 0; k < examples[i].step_tokens.size(); ++k) out[i].push_back(prob[s++]);
    }
  }
  return out;
}

ProcessRewardModel::ProcessRewardModel(models::SequenceRewardModel model,
                                       std::unique_ptr<models::Tokenizer> tokenizer,
                                       ProcessRewardModelInfo info)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)), info_(std::move(info)) {
  RLAB_CHECK(model_->num_labels() == 1, "a process reward model has one output, this one has {}",
             model_->num_labels());
  RLAB_CHECK(tokenizer_ != nullptr, "a process reward model needs its tokenizer");
}

std::vector<std::vector<double>> ProcessRewardModel::StepProbabilities(
    const std::vector<std::string>& prompts, const std::vector<std::string>& completions,
    const std::vector<std::vector<std::size_t>>& step_end_chars, int64_t batch_size) const {
  RLAB_CHECK(prompts.size() == completions.size() && step_end_chars.size() == completions.size(),
             "process reward model: {} prompts, {} completions, {} step lists", prompts.size(),
             completions.size(), step_end_chars.size());
  std::vector<StepExample> examples;
  examples.reserve(completions.size());
  for (std::size_t i = 0; i < completions.size(); ++i) {
    examples.push_back(TokenizeSteps(*tokenizer_, prompts[i], completions[i], step_end_chars[i], {},
                                     fmt::format("completion {}", i)));
  }
  model_->eval();
  return reward::StepProbabilities(model_, examples, batch_size,
                                   tokenizer_->pad_id().value_or(tokenizer_->eos_id().value_or(0)));
}

std::string ProcessRewardModel::Describe() const {
  const auto& c = model_->backbone->config();
  return fmt::format("process reward model ({} layers, width {}), {} supervision, delimiter '{}'",
                     c.num_layers, c.hidden_size, info_.supervision, info_.delimiter);
}

bool IsProcessRewardModelDir(const fs::path& dir) {
  const fs::path config = dir / "config.json";
  if (!fs::is_regular_file(config)) return false;
  return ReadJsonFile(config).contains(kPrmInfoKey);
}

ProcessRewardModel LoadProcessRewardModel(const fs::path& dir) {
  RLAB_CHECK(IsProcessRewardModelDir(dir),
             "'{}' is not a process reward model (rlab train-prm's <run>/reward_model): its "
             "config.json has no \"{}\"",
             dir.string(), kPrmInfoKey);
  const nlohmann::json stored = ReadJsonFile(dir / "config.json")[kPrmInfoKey];
  const std::string where = (dir / "config.json").string();
  RLAB_CHECK(stored.is_object() && stored.contains("delimiter") && stored["delimiter"].is_string(),
             "{}: \"{}\" needs a string \"delimiter\"", where, kPrmInfoKey);
  ProcessRewardModelInfo info;
  info.delimiter = stored["delimiter"].get<std::string>();
  info.supervision = stored.value("supervision", std::string("step"));
  RLAB_CHECK(models::HasTokenizerFiles(dir), "{}: no tokenizer files next to the model",
             dir.string());
  models::SequenceRewardModel model = models::LoadSequenceRewardModel(dir);
  model->eval();
  return ProcessRewardModel(std::move(model), models::LoadTokenizer(dir), std::move(info));
}

void SaveProcessRewardModelDir(const models::SequenceRewardModel& model,
                               const ProcessRewardModelInfo& info,
                               const models::Tokenizer* tokenizer, const fs::path& tokenizer_source,
                               const fs::path& dir) {
  models::SaveSequenceRewardModel(
      model, dir,
      {{kPrmObjectiveKey, kPrmObjectiveName},
       {kPrmInfoKey, {{"delimiter", info.delimiter}, {"supervision", info.supervision}}}});
  models::SaveTokenizerFiles(tokenizer, tokenizer_source, dir);
}

}  // namespace rlab::reward
