// rewardlab._core.models.RewardModel: a text reward model or an ensemble of them, read and
// written in the layout train-rm writes and `rlab score` reads (reward/model/
// text_reward_model.h); rewards of (prompt, completion) texts tokenized as `rlab score`
// tokenizes them, or of token tensors.
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models_bindings.h"
#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/models/transformer/presets.h"
#include "rlab/reward/model/rm_batch.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/reward/signal/ensemble_aggregation.h"
#include "rlab/text/preference_tokens.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/text/tokenizer/tokenizer_files.h"

namespace rewardlab_python {

// This file's helpers, in a namespace of their own: the module's files compile as one unity
// translation unit.
namespace models_reward_detail {

namespace rm = rlab::models;
namespace rr = rlab::reward;
namespace fs = std::filesystem;

// An owned copy of a tokenizer: the byte tokenizer is a plain value; another is read again
// from the folder its files came from.
std::unique_ptr<rm::Tokenizer> CopyTokenizer(const rm::Tokenizer& tokenizer,
                                             const fs::path& files_dir) {
  if (const auto* bytes = dynamic_cast<const rm::ByteTokenizer*>(&tokenizer)) {
    return std::make_unique<rm::ByteTokenizer>(*bytes);
  }
  RLAB_CHECK(!files_dir.empty(), "cannot copy the tokenizer {}: its files are not known",
             tokenizer.Describe());
  return rm::LoadTokenizer(files_dir);
}

// The folder LoadTextRewardModel reads the tokenizer from: DIR, else the first member's.
fs::path TokenizerFilesOf(const fs::path& dir) {
  if (rm::HasTokenizerFiles(dir) || !rr::IsEnsembleDir(dir)) return dir;
  return dir / rlab::ReadJsonFile(dir / "ensemble.json").at("members").at(0).get<std::string>();
}

RewardModelPtr Load(const fs::path& dir) {
  auto handle = std::make_shared<RewardModelHandle>();
  handle->model = std::make_unique<rr::TextRewardModel>(rr::LoadTextRewardModel(dir));
  handle->tokenizer_files = TokenizerFilesOf(dir);
  return handle;
}

RewardModelPtr Create(const std::string& preset, int64_t members, uint64_t seed,
                      const std::string& tokenizer, const std::string& objective,
                      const std::string& pooling) {
  RLAB_CHECK(members >= 1, "RewardModel.create: members must be >= 1, got {}", members);
  auto tok = rm::OpenTokenizer(tokenizer);
  const auto config = rm::FindPreset(preset, tok->vocab_size());
  RLAB_CHECK(config.has_value(), "RewardModel.create: no preset '{}'; presets: {}", preset,
             rm::PresetNames());
  const int64_t head = rr::MakeRmObjective(objective)->head_size();
  std::vector<rm::SequenceRewardModel> models;
  {
    KeepDefaultGeneratorState keep;
    torch::manual_seed(seed);
    for (int64_t k = 0; k < members; ++k) {
      models.emplace_back(*config, head, rm::ParseScorePooling(pooling));
      models.back()->eval();
    }
  }
  auto handle = std::make_shared<RewardModelHandle>();
  handle->model =
      std::make_unique<rr::TextRewardModel>(std::move(models), objective, std::move(tok));
  handle->tokenizer_files = rm::TokenizerFilesDir(tokenizer);
  return handle;
}

void Save(const RewardModelHandle& h, const fs::path& dir) {
  rr::TextRewardModel& model = *h.model;
  const rm::Tokenizer* tok = &model.tokenizer();
  if (model.size() == 1) {
    rr::SaveRewardModelDir(model.members().front(), model.objective_spec(), tok, h.tokenizer_files,
                           dir);
    return;
  }
  std::vector<std::string> names;
  for (int64_t k = 0; k < model.size(); ++k) {
    names.push_back(fmt::format("member_{}", k));
    rr::SaveRewardModelDir(model.members()[k], model.objective_spec(), tok, h.tokenizer_files,
                           dir / names.back());
  }
  rr::WriteEnsembleIndex(dir, names);
}

// member rewards [K, N] -> [N]; the mean of one member is that member's row, not a copy.
torch::Tensor Aggregate(const torch::Tensor& member_rewards, const std::string& aggregation) {
  if (aggregation == "mean" && member_rewards.size(0) == 1) return member_rewards[0];
  return (*rr::MakeEnsembleAggregation(aggregation))(member_rewards);
}

// [K, N] every member's reward of token rows; the mask defaults to all real.
torch::Tensor MemberScores(RewardModelHandle& h, const torch::Tensor& ids,
                           const std::optional<torch::Tensor>& mask) {
  CheckTokenBatch(ids, mask.value_or(torch::Tensor()),
                  h.model->members().front()->backbone->config().vocab_size, "RewardModel.score");
  torch::NoGradGuard no_grad;
  return h.model->MemberRewards(ids, mask ? *mask : torch::ones_like(ids));
}

// The rows `rlab score` builds: BOS + prompt + completion + EOS, right-padded, longer rows
// keeping their last max_length tokens.
py::tuple Tokenize(const RewardModelHandle& h, const std::vector<std::string>& prompts,
                   const std::vector<std::string>& completions, int64_t max_length) {
  RLAB_CHECK(prompts.size() == completions.size(),
             "RewardModel.tokenize: {} prompts for {} completions", prompts.size(),
             completions.size());
  std::vector<rlab::data::PreferenceRecord> records(prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    records[i].prompt = prompts[i];
    records[i].responses = {completions[i]};
  }
  const rm::Tokenizer& tok = h.model->tokenizer();
  const auto examples =
      rlab::data::TokenizePreferences(records, tok, max_length, rlab::data::Truncation::kKeepEnd);
  std::vector<int64_t> all(examples.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  const rr::RmBatch batch =
      rr::CollatePreferences(examples, all, tok.pad_id().value_or(tok.eos_id().value_or(0)));
  return py::make_tuple(batch.ids, batch.attention_mask);
}

// Seconds that `times` calls of `call` take (bench/python_reward_model_call.py compares a
// call from Python with the same call repeated here, in the same process).
double SecondsOfRepeats(int64_t times, const std::function<torch::Tensor()>& call) {
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < times; ++i) (void)call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace models_reward_detail

void BindRewardModel(py::module_& m) {
  using namespace models_reward_detail;
  rr::RegisterEnsembleAggregations();
  py::class_<RewardModelHandle, RewardModelPtr>(
      m, "RewardModel",
      "A text reward model, or an ensemble of them, as train-rm writes and `rlab score` reads.")
      .def(py::init(&Load), py::arg("path"), py::call_guard<py::gil_scoped_release>(),
           "Opens a reward-model directory or an ensemble directory (ensemble.json).")
      .def_static("create", &Create, py::arg("preset") = "tiny", py::arg("members") = 1,
                  py::arg("seed") = 0, py::arg("tokenizer") = "byte",
                  py::arg("objective") = "bradley_terry", py::arg("pooling") = "last",
                  "A reward model with fresh weights of a preset's shape (an ensemble when "
                  "members > 1), drawn from `seed`.")
      .def_static(
          "from_language_model",
          [](const LanguageModelHandle& lm, const std::string& objective,
             const std::string& pooling) {
            auto handle = std::make_shared<RewardModelHandle>();
            std::vector<rm::SequenceRewardModel> members;
            {
              KeepDefaultGeneratorState keep;
              members.push_back(rm::RewardModelFromLanguageModel(
                  lm.lm.model, rr::MakeRmObjective(objective)->head_size(),
                  rm::ParseScorePooling(pooling)));
            }
            members.back()->eval();
            RLAB_CHECK(lm.lm.tokenizer != nullptr,
                       "RewardModel.from_language_model: the language model has no tokenizer");
            handle->model = std::make_unique<rr::TextRewardModel>(
                std::move(members), objective, CopyTokenizer(*lm.lm.tokenizer, lm.tokenizer_files));
            handle->tokenizer_files = lm.tokenizer_files;
            return handle;
          },
          py::arg("language_model"), py::arg("objective") = "bradley_terry",
          py::arg("pooling") = "last",
          "A reward model whose backbone is a copy of `language_model`'s weights, with a "
          "fresh head (the usual start of reward-model training).")
      .def(
          "rewards",
          [](RewardModelHandle& h, const std::vector<std::string>& prompts,
             const std::vector<std::string>& completions, const std::string& aggregation,
             int64_t max_length, int64_t batch_size) {
            return Aggregate(
                h.model->MemberRewardsOfTexts(prompts, completions, max_length, batch_size),
                aggregation);
          },
          py::arg("prompts"), py::arg("completions"), py::arg("aggregation") = "mean",
          py::arg("max_length") = 512, py::arg("batch_size") = 64,
          py::call_guard<py::gil_scoped_release>(),
          "[N] float: the reward of each (prompt, completion), members combined by "
          "`aggregation` (mean, wco, uwo(lambda=...), member(index=...)).")
      .def(
          "member_rewards",
          [](RewardModelHandle& h, const std::vector<std::string>& prompts,
             const std::vector<std::string>& completions, int64_t max_length, int64_t batch_size) {
            return h.model->MemberRewardsOfTexts(prompts, completions, max_length, batch_size);
          },
          py::arg("prompts"), py::arg("completions"), py::arg("max_length") = 512,
          py::arg("batch_size") = 64, py::call_guard<py::gil_scoped_release>(),
          "[K, N] float: every member's reward of each (prompt, completion).")
      .def(
          "score",
          [](RewardModelHandle& h, const torch::Tensor& ids,
             const std::optional<torch::Tensor>& mask, const std::string& aggregation) {
            return Aggregate(MemberScores(h, ids, mask), aggregation);
          },
          py::arg("input_ids"), py::arg("attention_mask") = std::nullopt,
          py::arg("aggregation") = "mean", py::call_guard<py::gil_scoped_release>(),
          "input_ids [N, T] int64, attention_mask [N, T] -> rewards [N] float.")
      .def("member_scores", &MemberScores, py::arg("input_ids"),
           py::arg("attention_mask") = std::nullopt, py::call_guard<py::gil_scoped_release>(),
           "input_ids [N, T], attention_mask [N, T] -> every member's reward [K, N].")
      .def(
          "_repeat_rewards",
          [](RewardModelHandle& h, const std::vector<std::string>& prompts,
             const std::vector<std::string>& completions, int64_t times) {
            return SecondsOfRepeats(times, [&] {
              return Aggregate(h.model->MemberRewardsOfTexts(prompts, completions), "mean");
            });
          },
          py::arg("prompts"), py::arg("completions"), py::arg("times"),
          py::call_guard<py::gil_scoped_release>(),
          "Seconds that `times` text calls take inside C++ (the benchmark's reference).")
      .def(
          "_repeat_score",
          [](RewardModelHandle& h, const torch::Tensor& ids, const torch::Tensor& mask,
             int64_t times) {
            return SecondsOfRepeats(times,
                                    [&] { return Aggregate(MemberScores(h, ids, mask), "mean"); });
          },
          py::arg("input_ids"), py::arg("attention_mask"), py::arg("times"),
          py::call_guard<py::gil_scoped_release>(),
          "Seconds that `times` token calls take inside C++ (the benchmark's reference).")
      .def("tokenize", &Tokenize, py::arg("prompts"), py::arg("completions"),
           py::arg("max_length") = 512,
           "(input_ids, attention_mask), each [N, T]: the rows the text calls score.")
      .def("save", &Save, py::arg("directory"), py::call_guard<py::gil_scoped_release>(),
           "Writes the model (or ensemble.json and one directory per member) to `directory`.")
      .def_property_readonly(
          "tokenizer",
          [](const RewardModelPtr& self) {
            return TokenizerHandle{
                std::shared_ptr<const rm::Tokenizer>(self, &self->model->tokenizer()),
                self->tokenizer_files};
          },
          "The reward model's tokenizer.")
      .def_property_readonly(
          "size", [](const RewardModelHandle& h) { return h.model->size(); },
          "The number of members (1 for a single model).")
      .def_property_readonly(
          "objective", [](const RewardModelHandle& h) { return h.model->objective_spec(); },
          "The objective its head was trained with (bradley_terry, ...).")
      .def(
          "state_dict",
          [](RewardModelHandle& h, int64_t member) {
            RLAB_CHECK(member >= 0 && member < h.model->size(),
                       "RewardModel.state_dict: member {} is not in 0..{}", member,
                       h.model->size() - 1);
            return ModuleTensors(*h.model->members()[member]);
          },
          py::arg("member") = 0, "One member's parameters by name: its own tensors, not copies.")
      .def("describe", [](const RewardModelHandle& h) { return h.model->Describe(); });
}

}  // namespace rewardlab_python
