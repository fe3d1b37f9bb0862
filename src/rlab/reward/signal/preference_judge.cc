#include "rlab/reward/signal/preference_judge.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/reward/model/text_reward_model.h"

namespace rlab::reward {

namespace {

// The size every group shares; an error where they differ.
int64_t GroupSize(const CompletionGroups& groups, const std::string& judge) {
  RLAB_CHECK(!groups.empty(), "judge {}: no prompts to judge", judge);
  for (const auto& g : groups) {
    RLAB_CHECK(g.size() == groups.front().size(), "judge {}: groups of {} and {} completions",
               judge, groups.front().size(), g.size());
  }
  return static_cast<int64_t>(groups.front().size());
}

void CheckFinite(const torch::Tensor& values, const std::string& what, const std::string& judge) {
  RLAB_CHECK(torch::isfinite(values).all().item<bool>(),
             "judge {} gave a non-finite {} (NaN or inf); check the judge's model or task", judge,
             what);
}

// The task's own judge.
class GoldJudge : public PreferenceJudge {
 public:
  explicit GoldJudge(const data::TextTask* task) : task_(task) {
    RLAB_CHECK(task_ != nullptr && task_->HasGoldReward(),
               "judge gold needs a task (data: task:SPEC); a prompt file has no hidden judge: "
               "judge it with a reward model, judge=model(path=DIR)");
  }
  std::string Describe() const override { return "gold(" + task_->Describe() + ")"; }

 protected:
  torch::Tensor Preferences(const std::vector<std::string>& prompts, const CompletionGroups& a,
                            const CompletionGroups& b, int64_t G, int64_t H) override {
    const int64_t P = static_cast<int64_t>(prompts.size());
    torch::Tensor out = torch::empty({P, G, H}, torch::kFloat64);  // [P, G, H]
    auto acc = out.accessor<double, 3>();
    for (int64_t p = 0; p < P; ++p) {
      for (int64_t i = 0; i < G; ++i) {
        for (int64_t j = 0; j < H; ++j) {
          acc[p][i][j] = task_->GoldPreference(prompts[p], a[p][i], b[p][j]);
        }
      }
    }
    return out;
  }
  std::optional<torch::Tensor> ScoresOf(const std::vector<std::string>& prompts,
                                        const CompletionGroups& groups, int64_t G) override {
    const int64_t P = static_cast<int64_t>(prompts.size());
    torch::Tensor out = torch::empty({P, G}, torch::kFloat64);  // [P, G]
    auto acc = out.accessor<double, 2>();
    for (int64_t p = 0; p < P; ++p) {
      for (int64_t i = 0; i < G; ++i) acc[p][i] = task_->GoldReward(prompts[p], groups[p][i]);
    }
    return out;
  }

 private:
  const data::TextTask* task_;
};

// A reward model or ensemble from train-rm.
class ModelJudge : public PreferenceJudge {
 public:
  ModelJudge(const std::string& path, int64_t max_length, int64_t batch_size)
      : model_(LoadTextRewardModel(path)),
        path_(path),
        max_length_(max_length),
        batch_size_(batch_size),
        // Objectives without a scalar reward (gpm) give none for any output.
        has_scores_(model_.objective()
                        .Reward(torch::zeros({1, model_.objective().head_size()}))
                        .has_value()) {
    RLAB_CHECK(max_length >= 2 && batch_size >= 1,
               "judge model: max_length must be >= 2 and batch_size >= 1");
  }
  std::string Describe() const override {
    return fmt::format("model(path={}: {})", path_, model_.Describe());
  }

 protected:
  torch::Tensor Preferences(const std::vector<std::string>& prompts, const CompletionGroups& a,
                            const CompletionGroups& b, int64_t G, int64_t H) override {
    const int64_t P = static_cast<int64_t>(prompts.size());
    const torch::Tensor out_a = Outputs(prompts, a);  // [K, P * G, D]
    const torch::Tensor out_b = Outputs(prompts, b);  // [K, P * H, D]
    // Every (p, i, j): the rows of a_i and b_j of prompt p.
    const torch::Tensor p = torch::arange(P).view({P, 1, 1});
    const torch::Tensor rows_a = (p * G + torch::arange(G).view({1, G, 1})).expand({P, G, H});
    const torch::Tensor rows_b = (p * H + torch::arange(H).view({1, 1, H})).expand({P, G, H});
    torch::NoGradGuard no_grad;
    torch::Tensor logit = torch::zeros({P * G * H}, torch::kFloat64);  // [P * G * H]
    for (int64_t k = 0; k < out_a.size(0); ++k) {
      logit += model_.objective()
                   .PreferenceLogit(out_a[k].index_select(0, rows_a.reshape({-1})),
                                    out_b[k].index_select(0, rows_b.reshape({-1})))
                   .to(torch::kFloat64);
    }
    return torch::sigmoid(logit / static_cast<double>(out_a.size(0))).view({P, G, H});
  }
  std::optional<torch::Tensor> ScoresOf(const std::vector<std::string>& prompts,
                                        const CompletionGroups& groups, int64_t G) override {
    if (!has_scores_) return std::nullopt;
    const int64_t P = static_cast<int64_t>(prompts.size());
    std::vector<std::string> flat_prompts, flat;
    Flatten(prompts, groups, flat_prompts, flat);
    return model_.MemberRewardsOfTexts(flat_prompts, flat, max_length_, batch_size_)
        .mean(0)
        .to(torch::kFloat64)
        .view({P, G});
  }

 private:
  static void Flatten(const std::vector<std::string>& prompts, const CompletionGroups& groups,
                      std::vector<std::string>& flat_prompts, std::vector<std::string>& flat) {
    for (std::size_t p = 0; p < prompts.size(); ++p) {
      for (const std::string& c : groups[p]) {
        flat_prompts.push_back(prompts[p]);
        flat.push_back(c);
      }
    }
  }
  torch::Tensor Outputs(const std::vector<std::string>& prompts, const CompletionGroups& groups) {
    std::vector<std::string> flat_prompts, flat;
    Flatten(prompts, groups, flat_prompts, flat);
    return model_.MemberOutputsOfTexts(flat_prompts, flat, max_length_, batch_size_);
  }

  TextRewardModel model_;
  std::string path_;
  int64_t max_length_, batch_size_;
  bool has_scores_;
};

}  // namespace

torch::Tensor PreferenceJudge::Compare(const std::vector<std::string>& prompts,
                                       const CompletionGroups& a, const CompletionGroups& b) {
  RLAB_CHECK(prompts.size() == a.size() && prompts.size() == b.size(),
             "judge {}: {} prompts for {} and {} groups", Describe(), prompts.size(), a.size(),
             b.size());
  torch::Tensor preference =
      Preferences(prompts, a, b, GroupSize(a, Describe()), GroupSize(b, Describe()));  // [P, G, H]
  CheckFinite(preference, "preference", Describe());
  return preference;
}

torch::Tensor PreferenceJudge::CompareWithin(const std::vector<std::string>& prompts,
                                             const CompletionGroups& groups) {
  const torch::Tensor m = Compare(prompts, groups, groups);  // [P, G, G]
  return (m + 1 - m.transpose(1, 2)) / 2;
}

std::optional<torch::Tensor> PreferenceJudge::Scores(const std::vector<std::string>& prompts,
                                                     const CompletionGroups& groups) {
  RLAB_CHECK(prompts.size() == groups.size(), "judge {}: {} prompts for {} groups", Describe(),
             prompts.size(), groups.size());
  std::optional<torch::Tensor> scores =
      ScoresOf(prompts, groups, GroupSize(groups, Describe()));  // [P, G]
  if (scores) CheckFinite(*scores, "score", Describe());
  return scores;
}

PreferenceJudgeRegistry& PreferenceJudges() {
  static PreferenceJudgeRegistry registry("preference judge");
  return registry;
}

void RegisterPreferenceJudges() {
  PreferenceJudgeRegistry& r = PreferenceJudges();
  if (!RegisterOnce(r)) return;
  r.Register({"gold",
              "the task's hidden judge: TextTask::GoldPreference, scores from its gold reward",
              {},
              [](const SpecArgs&, const data::TextTask* task) -> std::unique_ptr<PreferenceJudge> {
                return std::make_unique<GoldJudge>(task);
              }});
  r.Register({"model",
              "a reward model or ensemble from train-rm: sigmoid of its preference logit "
              "(Bradley-Terry: r_a - r_b, with scores; gpm: its antisymmetric logit)",
              {{"path", std::nullopt, "the reward model or ensemble directory"},
               {"max_length", "512", "tokens of prompt + completion (the end is kept)"},
               {"batch_size", "64", "texts scored at once"}},
              [](const SpecArgs& a, const data::TextTask*) -> std::unique_ptr<PreferenceJudge> {
                return std::make_unique<ModelJudge>(a.Get<std::string>("path"),
                                                    a.Get<int64_t>("max_length"),
                                                    a.Get<int64_t>("batch_size"));
              }});
}

std::unique_ptr<PreferenceJudge> MakePreferenceJudge(std::string_view spec,
                                                     const data::TextTask* task) {
  RegisterPreferenceJudges();
  return PreferenceJudges().Create(spec, task);
}

}  // namespace rlab::reward
