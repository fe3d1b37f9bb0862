#include "rlab/pipeline/lab/bt_recovery.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/eval/preference_metrics.h"
#include "rlab/feedback/bradley_terry_teacher.h"
#include "rlab/models/mlp.h"
#include "rlab/models/hidden_widths.h"
#include "rlab/reward/model/linear_confidence.h"

namespace rlab::pipeline {

void BtRecoveryConfig::Data::Validate() const {
  RLAB_CHECK(items >= 10, "items must be >= 10, got {}", items);
  RLAB_CHECK(dim >= 1, "dim must be >= 1, got {}", dim);
  RLAB_CHECK(heldout_fraction > 0 && heldout_fraction < 1,
             "heldout_fraction must be in (0, 1), got {}", heldout_fraction);
  RLAB_CHECK(train_pairs >= 1 && heldout_pairs >= 1, "train_pairs and heldout_pairs must be >= 1");
  RLAB_CHECK(uncovered_dims >= 0 && uncovered_dims <= dim,
             "data.uncovered_dims must be in [0, data.dim = {}], got {}", dim, uncovered_dims);
}

void BtRecoveryConfig::Validate() const {
  models::CheckHiddenWidths(model.hidden, "model.hidden");
  // Each step draws train.batch_size of the training comparisons; more than there are would
  // only repeat them, while the memory of a step grows with the setting.
  RLAB_CHECK(train.batch_size <= data.train_pairs,
             "train.batch_size is {}, more than the {} comparisons of data.train_pairs; use at "
             "most {}",
             train.batch_size, data.train_pairs, data.train_pairs);
  WarnAboutRunCadence(run, train.steps);
}

void BtRecoveryConfig::Pessimism::Validate() const {
  RLAB_CHECK(gamma >= 0, "pessimism.gamma must be >= 0, got {}", gamma);
  RLAB_CHECK(lambda > 0, "pessimism.lambda must be > 0, got {}", lambda);
}

void BtRecoveryConfig::Teacher::Validate() const {
  RLAB_CHECK(mistake >= 0 && mistake < 0.5, "mistake must be in [0, 0.5), got {}", mistake);
}

namespace {

// Pairs of item indices with the teacher's labels.
struct Comparisons {
  torch::Tensor a, b;       // [P] int64 item indices
  torch::Tensor prefers_a;  // [P] float: teacher label (1 = a preferred)
  torch::Tensor truth_a;    // [P] float: hidden reward's ordering (1 = a better, 0.5 = tie)
  reward::FeaturePairs Labelled(const torch::Tensor& features) const {
    return {features, a, b, prefers_a};
  }
};

struct Problem {
  torch::Tensor features;                    // [N, D]
  torch::Tensor hidden_reward;               // [N]
  torch::Tensor train_items, heldout_items;  // [N_train], [N_heldout] int64
  Comparisons train, heldout;
};

Comparisons Compare(const torch::Tensor& pool, int64_t count, const torch::Tensor& reward,
                    const feedback::BradleyTerryTeacher& teacher, Rng& rng) {
  const int64_t n = pool.size(0);
  Comparisons c{torch::empty({count}, torch::kLong), torch::empty({count}, torch::kLong),
                torch::empty({count}), torch::empty({count})};
  auto pool_a = pool.accessor<int64_t, 1>();
  auto rew = reward.accessor<float, 1>();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t x = pool_a[rng.UniformInt(n)];
    int64_t y = pool_a[rng.UniformInt(n - 1)];
    if (y == x) y = pool_a[n - 1];  // uniform over the other items
    c.a[i] = x;
    c.b[i] = y;
    c.prefers_a[i] = teacher.Label(rew[x], rew[y], rng);
    c.truth_a[i] = rew[x] > rew[y] ? 1.0f : (rew[x] < rew[y] ? 0.0f : 0.5f);
  }
  return c;
}

// Items, hidden reward and comparisons, all drawn from the run's "data" stream: the same
// seed always gives the same problem, so a resumed run rebuilds it instead of storing it.
Problem MakeProblem(const BtRecoveryConfig& cfg, uint64_t seed) {
  Rng rng(seed);
  const auto& d = cfg.data;
  Problem p;
  p.features = torch::empty({d.items, d.dim});
  auto f = p.features.accessor<float, 2>();
  for (int64_t i = 0; i < d.items; ++i) {
    for (int64_t j = 0; j < d.dim; ++j) f[i][j] = static_cast<float>(rng.Normal());
  }
  torch::Tensor weights = torch::empty({d.dim});  // [D], scaled so the reward has unit variance
  for (int64_t j = 0; j < d.dim; ++j) {
    weights[j] = static_cast<float>(rng.Normal() / std::sqrt(static_cast<double>(d.dim)));
  }

  std::vector<int64_t> order(d.items);
  for (int64_t i = 0; i < d.items; ++i) order[i] = i;
  for (int64_t i = d.items - 1; i > 0; --i) std::swap(order[i], order[rng.UniformInt(i + 1)]);
  const int64_t heldout =
      std::max<int64_t>(2, static_cast<int64_t>(std::round(d.heldout_fraction * d.items)));
  const torch::Tensor all = torch::tensor(order, torch::kLong);
  p.heldout_items = all.slice(0, 0, heldout);
  p.train_items = all.slice(0, heldout);
  if (d.uncovered_dims > 0) {  // training items barely vary along the last features
    constexpr double kUncoveredScale = 0.05;
    const torch::Tensor rows = p.features.index_select(0, p.train_items);  // [N_train, D]
    rows.slice(1, d.dim - d.uncovered_dims).mul_(kUncoveredScale);
    p.features.index_copy_(0, p.train_items, rows);
  }
  p.hidden_reward = p.features.matmul(weights);  // [N]

  const feedback::BradleyTerryTeacher teacher(cfg.teacher.beta, cfg.teacher.mistake);
  p.train = Compare(p.train_items, d.train_pairs, p.hidden_reward, teacher, rng);
  p.heldout = Compare(p.heldout_items, d.heldout_pairs, p.hidden_reward, teacher, rng);
  return p;
}

struct Evaluation {
  double heldout_accuracy = 0;        // agreement with the hidden reward's ordering
  double heldout_label_accuracy = 0;  // agreement with the teacher's (noisy) labels
  double pearson = 0;                 // learned vs hidden reward on held-out items
};

Evaluation Evaluate(reward::FeatureRewardTrainer& trainer, const Problem& p) {
  torch::NoGradGuard no_grad;
  const torch::Tensor scores = trainer.Rewards(p.features);  // [N]
  Evaluation e;
  const torch::Tensor sa = scores.index_select(0, p.heldout.a);
  const torch::Tensor sb = scores.index_select(0, p.heldout.b);
  e.heldout_accuracy = eval::PairwiseAccuracy(sa, sb, p.heldout.truth_a);
  e.heldout_label_accuracy = eval::PairwiseAccuracy(sa, sb, p.heldout.prefers_a);
  e.pearson = eval::PearsonCorrelation(scores.index_select(0, p.heldout_items),
                                       p.hidden_reward.index_select(0, p.heldout_items));
  return e;
}

// One held-out item chosen as the best by a linear model, as maximum likelihood and as
// pessimistic maximum likelihood (Zhu et al., arXiv:2301.11270) choose it: each choice's
// suboptimality is the best held-out item's hidden reward minus the chosen one's.
struct HeldOutChoices {
  double mle_suboptimality = 0;
  double pessimistic_suboptimality = 0;
};

HeldOutChoices ChooseHeldOutItems(reward::FeatureRewardTrainer& trainer, const Problem& p,
                                  const BtRecoveryConfig::Pessimism& pessimism) {
  torch::NoGradGuard no_grad;
  const torch::Tensor differences =
      p.features.index_select(0, p.train.a) - p.features.index_select(0, p.train.b);  // [P, D]
  const reward::LinearConfidenceSet set =
      reward::FitLinearConfidenceSet(differences, pessimism.lambda, pessimism.gamma);
  // Rewards are measured from the training items' mean feature vector v.
  const torch::Tensor v = p.features.index_select(0, p.train_items).mean(0, true);         // [1, D]
  const torch::Tensor items = p.features.index_select(0, p.heldout_items);                 // [H, D]
  const torch::Tensor advantages = trainer.Rewards(items) - trainer.Rewards(v);            // [H]
  const torch::Tensor bounds = reward::LowerConfidenceBounds(set, advantages, items - v);  // [H]
  const torch::Tensor hidden = p.hidden_reward.index_select(0, p.heldout_items);           // [H]
  const double best = hidden.max().item<double>();
  return {best - hidden[advantages.argmax().item<int64_t>()].item<double>(),
          best - hidden[bounds.argmax().item<int64_t>()].item<double>()};
}

class BtRecovery : public ConfiguredPipeline<BtRecoveryConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const auto& cfg = config_;
    const Problem problem = MakeProblem(cfg, ctx.SeedFor("data"));
    reward::FeatureRewardTrainer trainer(
        models::Mlp(cfg.data.dim, cfg.model.hidden, 1, cfg.model.activation), cfg.train,
        ctx.SeedFor("batches"));
    CheckpointState state;
    trainer.AddTo(state);

    // Running sums over the current logging window, and the loss of the last metric line (the
    // summary's final_loss, kept in the checkpoints for a run resumed from its final one).
    double loss_sum = 0, correct_sum = 0, seen = 0, last_logged_loss = 0;
    if (auto counters = ctx.Restore(state)) {
      trainer.Restore((*counters)["step"]);
      loss_sum = (*counters)["loss_sum"];
      correct_sum = (*counters)["correct_sum"];
      seen = (*counters)["seen"];
      last_logged_loss = (*counters).value("last_logged_loss", 0.0);
    }

    const reward::FeaturePairs train = problem.train.Labelled(problem.features);
    Progress progress("bt-recovery", cfg.train.steps, cfg.run.progress_seconds);
    while (trainer.step() < cfg.train.steps) {
      const reward::FeatureRewardStep s = trainer.Step(train);
      const int64_t step = trainer.step();
      loss_sum += s.loss;
      correct_sum +=
          eval::PairwiseAccuracy(s.reward_a, s.reward_b, s.prefers_a) * cfg.train.batch_size;
      seen += cfg.train.batch_size;
      if (ctx.LogDue(step) || step == cfg.train.steps) {
        const Evaluation e = Evaluate(trainer, problem);
        const double steps_in_window = seen / cfg.train.batch_size;
        last_logged_loss = loss_sum / steps_in_window;
        ctx.metrics().Log(step, {{"loss", last_logged_loss},
                                 {"train_accuracy", correct_sum / seen},
                                 {"heldout_accuracy", e.heldout_accuracy},
                                 {"heldout_label_accuracy", e.heldout_label_accuracy},
                                 {"pearson", e.pearson}});
        loss_sum = correct_sum = seen = 0;
      }
      if (ctx.CheckpointDue(step)) {
        ctx.Checkpoint(state, {{"step", step},
                               {"loss_sum", loss_sum},
                               {"correct_sum", correct_sum},
                               {"seen", seen},
                               {"last_logged_loss", last_logged_loss}});
      }
      progress.Update(step, fmt::format("loss={:.4f}", s.loss));
    }
    const int64_t step = trainer.step();
    const Evaluation final_eval = Evaluate(trainer, problem);
    progress.Finish(fmt::format("heldout_accuracy={:.3f} pearson={:.3f}",
                                final_eval.heldout_accuracy, final_eval.pearson));
    if (!ctx.CheckpointDue(step)) {
      ctx.Checkpoint(state, {{"step", step},
                             {"loss_sum", 0.0},
                             {"correct_sum", 0.0},
                             {"seen", 0.0},
                             {"last_logged_loss", last_logged_loss}});
    }
    SaveModuleFile(*trainer.model(), ctx.dir().path() / "reward_model.pt");

    nlohmann::json summary = {{"heldout_accuracy", final_eval.heldout_accuracy},
                              {"heldout_label_accuracy", final_eval.heldout_label_accuracy},
                              {"pearson", final_eval.pearson},
                              {"final_loss", last_logged_loss},
                              {"steps", step},
                              {"train_pairs", problem.train.a.size(0)}};
    if (cfg.model.hidden.empty()) {  // the confidence set is the linear model's
      const HeldOutChoices choices = ChooseHeldOutItems(trainer, problem, cfg.pessimism);
      summary["mle_choice_suboptimality"] = choices.mle_suboptimality;
      summary["pessimistic_choice_suboptimality"] = choices.pessimistic_suboptimality;
    }
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry BtRecoveryEntry() {
  return {"bt-recovery",
          "fit a Bradley-Terry reward model to noisy preferences over items with a hidden "
          "linear reward; report held-out accuracy and Pearson correlation",
          {},
          [](const SpecArgs&) { return std::make_unique<BtRecovery>(); }};
}

}  // namespace rlab::pipeline
