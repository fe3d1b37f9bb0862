#include "rlab/reward/signal/text_reward_source.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/core/spec.h"
#include "rlab/reward/signal/ensemble_aggregation.h"
#include "rlab/reward/signal/external_rewards.h"
#include "rlab/reward/signal/remote_reward.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/reward/signal/verifiable_rewards.h"

namespace rlab::reward {

// One source: a rule-based reward, a host's function (external_rewards.h), or a reward model
// with its aggregation.
struct TextRewardSource::Source {
  std::string name;
  std::unique_ptr<VerifiableReward> rule;
  std::unique_ptr<ExternalReward> external;
  std::unique_ptr<RemoteReward> remote;
  std::unique_ptr<TextRewardModel> model;
  std::unique_ptr<EnsembleAggregation> aggregate;
  int64_t max_length = 512;
};

TextRewardSource::TextRewardSource(const std::vector<std::string>& specs,
                                   std::vector<double> weights, data::PromptColumnLookup columns)
    : weights_(std::move(weights)), columns_(std::move(columns)) {
  RLAB_CHECK(!specs.empty(), "a reward needs at least one source");
  if (weights_.empty()) weights_.assign(specs.size(), 1.0);
  RLAB_CHECK(weights_.size() == specs.size(), "{} reward weights for {} reward sources",
             weights_.size(), specs.size());
  for (const std::string& text : specs) {
    const Spec spec = Spec::Parse(text);
    auto s = std::make_unique<Source>();
    s->name = spec.name;
    if (spec.name == "model") {
      const SpecArgs args(
          spec,
          {{"path", std::nullopt, "reward-model directory (train-rm's reward_model)"},
           {"aggregate", "mean", "how an ensemble's members combine: mean, wco, uwo"},
           {"max_length", "512", "tokens per prompt + completion"}},
          "reward source");
      s->model =
          std::make_unique<TextRewardModel>(LoadTextRewardModel(args.Get<std::string>("path")));
      s->aggregate = MakeEnsembleAggregation(args.Get<std::string>("aggregate"));
      s->max_length = args.Get<int64_t>("max_length");
    } else if (spec.name == kExternalRewardSpec) {
      const SpecArgs args(
          spec, {{"name", std::nullopt, "the function's name in rewardlab.run's reward_functions"}},
          "reward source");
      s->external = std::make_unique<ExternalReward>(args.Get<std::string>("name"));
      s->name = s->external->name();
    } else if (spec.name == kRemoteRewardSpec) {
      s->remote = RemoteReward::FromSpec(spec);
    } else {
      s->rule = MakeVerifiableReward(text);
    }
    sources_.push_back(std::move(s));
  }
}

TextRewardSource::~TextRewardSource() = default;
TextRewardSource::TextRewardSource(TextRewardSource&&) noexcept = default;

TextRewards TextRewardSource::Score(const std::vector<std::string>& prompts,
                                    const std::vector<std::string>& completions,
                                    const std::vector<std::optional<std::string>>& answers) const {
  RLAB_CHECK(prompts.size() == completions.size(), "reward: {} prompts for {} completions",
             prompts.size(), completions.size());
  TextRewards out;
  out.total = torch::zeros({static_cast<int64_t>(completions.size())});
  std::vector<const data::PromptColumns*> records;  // per prompt, for rules reading columns
  if (columns_) {
    for (const std::string& prompt : prompts) records.push_back(columns_(prompt));
  }
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const Source& s = *sources_[i];
    torch::Tensor r;
    if (s.rule) {
      r = ScoreBatch(*s.rule, prompts, completions, answers, records).to(torch::kFloat32);
    } else if (s.external) {
      r = s.external->Score({prompts, completions, answers, records});
    } else if (s.remote) {
      r = s.remote->Score(prompts, completions, answers);
    } else {
      torch::NoGradGuard no_grad;
      const torch::Tensor members =
          s.model->MemberRewardsOfTexts(prompts, completions, s.max_length);
      if (!out.members.defined()) out.members = members;
      r = (*s.aggregate)(members).to(torch::kFloat32);
    }
    out.total = out.total + weights_[i] * r;
    out.parts.emplace_back(s.name, r);
  }
  return out;
}

std::string TextRewardSource::Describe() const {
  std::string text;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const Source& s = *sources_[i];
    if (!text.empty()) text += " + ";
    const std::string source = s.rule       ? s.rule->Describe()
                               : s.external ? s.external->Describe()
                               : s.remote   ? s.remote->Describe()
                                            : fmt::format("model({})", s.aggregate->Describe());
    text += fmt::format("{} * {}", weights_[i], source);
  }
  return text;
}

}  // namespace rlab::reward
