#include "rlab/reward/model/ensemble_reward_trainer.h"

#include <torch/torch.h>

#include <cmath>
#include <numeric>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/reward/model/preference_losses.h"

namespace rlab::reward {

void RewardTrainerOptions::Validate() const {
  RLAB_CHECK(lr > 0.0 && std::isfinite(lr), "reward trainer: lr must be > 0, got {}", lr);
  RLAB_CHECK(batch_size >= 1, "reward trainer: batch_size must be >= 1, got {}", batch_size);
  RLAB_CHECK(max_epochs >= 1, "reward trainer: max_epochs must be >= 1, got {}", max_epochs);
  RLAB_CHECK(accuracy_threshold > 0.0 && accuracy_threshold <= 1.0,
             "reward trainer: accuracy_threshold must be in (0, 1] (PEBBLE uses 0.97), got {}",
             accuracy_threshold);
}

torch::Tensor PairLoss(const PairwiseLoss& loss, const torch::Tensor& first,
                       const torch::Tensor& second, const torch::Tensor& labels) {
  const torch::Tensor second_preferred = labels == 1.0f;  // [B]
  return loss({torch::where(second_preferred, second, first),
               torch::where(second_preferred, first, second), torch::zeros_like(first),
               labels == 0.5f});
}

RewardEnsembleTrainer::RewardEnsembleTrainer(RewardEnsemble model,
                                             const RewardTrainerOptions& options, uint64_t seed)
    : model_(std::move(model)), options_(options), loss_(MakePairwiseLoss("bradley_terry")) {
  options_.Validate();
  optimizer_ = std::make_unique<torch::optim::Adam>(model_->parameters(),
                                                    torch::optim::AdamOptions(options_.lr));
  for (int64_t m = 0; m < model_->members(); ++m) {
    member_rngs_.emplace_back(DeriveSeed(seed, "reward_ensemble/member" + std::to_string(m)));
  }
  resamples_.resize(model_->members());
}

RewardEnsembleTrainer::~RewardEnsembleTrainer() = default;

namespace {

void CheckPairs(RewardEnsembleImpl& model, const PreferencePairs& pairs) {
  model.CheckSegments(pairs.first, "first");
  model.CheckSegments(pairs.second, "second");
  RLAB_CHECK(pairs.labels.dim() == 1 && pairs.labels.size(0) == pairs.first.size() &&
                 pairs.second.size() == pairs.first.size(),
             "reward trainer: {} first segments, {} second segments and {} labels must agree",
             pairs.first.size(), pairs.second.size(), pairs.labels.numel());
  const torch::Tensor l = pairs.labels.to(torch::kFloat);
  RLAB_CHECK(((l == 0.0f) | (l == 0.5f) | (l == 1.0f)).all().item<bool>(),
             "reward trainer: labels must be 0 (first preferred), 1 (second) or 0.5 (tie)");
}

}  // namespace

RewardTrainReport RewardEnsembleTrainer::Train(const PreferencePairs& pairs) {
  CheckPairs(*model_, pairs);
  const int64_t n = pairs.size();
  RLAB_CHECK(n >= 1, "reward trainer: no labelled pairs to train on");
  const int64_t members = model_->members();
  model_->train();
  // Features of every pair once: [N, H, in] each.
  const torch::Tensor x1 =
      model_->Features(pairs.first.obs, pairs.first.actions, pairs.first.next_obs);
  const torch::Tensor x2 =
      model_->Features(pairs.second.obs, pairs.second.actions, pairs.second.next_obs);
  const torch::Tensor labels = pairs.labels.to(torch::kFloat);  // [N]

  for (int64_t m = 0; m < members; ++m) {
    std::vector<int64_t>& r = resamples_[m];
    r.resize(n);
    if (options_.bootstrap) {
      for (int64_t i = 0; i < n; ++i) r[i] = member_rngs_[m].UniformInt(n);
    } else {
      std::iota(r.begin(), r.end(), 0);
    }
  }

  RewardTrainReport report;
  const int64_t steps = (n + options_.batch_size - 1) / options_.batch_size;
  std::vector<std::vector<int64_t>> order(members);
  for (int64_t epoch = 0; epoch < options_.max_epochs; ++epoch) {
    for (int64_t m = 0; m < members; ++m) {
      // A fresh order of the member's resample (Fisher-Yates with its own generator).
      order[m] = resamples_[m];
      for (int64_t i = n - 1; i > 0; --i) {
        std::swap(order[m][i], order[m][member_rngs_[m].UniformInt(i + 1)]);
      }
    }
    std::vector<int64_t> correct(members, 0), decided(members, 0);
    double loss_total = 0.0;
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t begin = s * options_.batch_size;
      const int64_t end = std::min(n, begin + options_.batch_size);
      optimizer_->zero_grad();
      torch::Tensor loss = torch::zeros({});
      for (int64_t m = 0; m < members; ++m) {
        const torch::Tensor idx =
            torch::tensor(std::vector<int64_t>(order[m].begin() + begin, order[m].begin() + end),
                          torch::kLong);                                                   // [B]
        const torch::Tensor r1 = model_->MemberSegmentReturn(m, x1.index_select(0, idx));  // [B]
        const torch::Tensor r2 = model_->MemberSegmentReturn(m, x2.index_select(0, idx));  // [B]
        const torch::Tensor l = labels.index_select(0, idx);                               // [B]
        loss = loss + PairLoss(*loss_, r1, r2, l);
        const torch::Tensor is_decided = l != 0.5f;
        const torch::Tensor right = ((r2 > r1).to(torch::kFloat) == l) & is_decided;
        correct[m] += right.sum().item<int64_t>();
        decided[m] += is_decided.sum().item<int64_t>();
      }
      loss.backward();
      optimizer_->step();
      loss_total += loss.item<double>() / static_cast<double>(members);
    }
    report.epochs = epoch + 1;
    report.loss = loss_total / static_cast<double>(steps);
    report.member_accuracy.assign(members, 0.0);
    double mean_accuracy = 0.0;
    for (int64_t m = 0; m < members; ++m) {
      report.member_accuracy[m] =
          decided[m] == 0 ? 0.0 : static_cast<double>(correct[m]) / static_cast<double>(decided[m]);
      mean_accuracy += report.member_accuracy[m] / static_cast<double>(members);
    }
    report.train_accuracy = mean_accuracy;
    if (mean_accuracy >= options_.accuracy_threshold) {
      report.stopped_early = true;
      break;
    }
  }
  model_->eval();
  return report;
}

double RewardEnsembleTrainer::Loss(const PreferencePairs& pairs) {
  CheckPairs(*model_, pairs);
  const torch::Tensor returns1 = model_->MemberSegmentReturns(pairs.first);   // [M, N]
  const torch::Tensor returns2 = model_->MemberSegmentReturns(pairs.second);  // [M, N]
  const torch::Tensor labels = pairs.labels.to(torch::kFloat);                // [N]
  double total = 0.0;
  for (int64_t m = 0; m < model_->members(); ++m) {
    total += PairLoss(*loss_, returns1[m], returns2[m], labels).item<double>();
  }
  return total / static_cast<double>(model_->members());
}

void RewardEnsembleTrainer::AddTo(CheckpointState& state, const std::string& name) {
  state.AddModule(name + ".model", model_.ptr());
  state.AddOptimizer(name + ".adam", optimizer_.get());
  for (size_t m = 0; m < member_rngs_.size(); ++m) {
    state.AddRng(name + ".member" + std::to_string(m), &member_rngs_[m]);
  }
}

}  // namespace rlab::reward
