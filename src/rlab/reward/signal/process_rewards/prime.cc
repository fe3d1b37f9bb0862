// process reward prime(beta=.., lr=..): PRIME's implicit process reward model (Cui et al.,
// "Process Reinforcement through Implicit Rewards", arXiv:2502.01456). pi_phi starts as a copy
// of the reference and gives every token the reward r_t = beta * log pi_phi(y_t) / pi_ref(y_t);
// after each batch is scored it learns online from the batch's outcome labels y in [0, 1] (a
// verifier's 0/1) with the cross-entropy of the sequence's implicit reward
//   L = -[y log sigma(r) + (1 - y) log(1 - sigma(r))],  r = beta * sum_t log pi_phi / pi_ref,
// one optimiser step per batch. The credit scheme (rl/step_credit.h) combines these rewards with
// the outcome's advantage, as the paper combines RLOO over process and outcome rewards. Here the
// update follows scoring (the paper updates before it), there is no accuracy filter of prompts,
// and the model is the tiny policy itself rather than a 7B copy.
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/reward/signal/process_rewards/implicit_process_reward.h"

namespace rlab::reward {

namespace {

class PrimeSource : public ImplicitRewardSource {
 public:
  using ImplicitRewardSource::ImplicitRewardSource;

  MetricList Learn(const ProcessRewardBatch& batch, const torch::Tensor& outcome) override {
    const torch::Tensor labels = outcome.detach().to(torch::kFloat32).reshape({-1});  // [N]
    RLAB_CHECK(labels.size(0) == batch.out.tokens.size(0),
               "{}: {} outcome rewards for {} completions", Describe(), labels.size(0),
               batch.out.tokens.size(0));
    RLAB_CHECK(((labels >= 0) & (labels <= 1)).all().item<bool>(),
               "{}: learns from outcome labels in [0, 1] (a verifier's 0/1), got rewards from {} "
               "to {}; use a 0/1 reward such as exact_match",
               Describe(), labels.min().item<double>(), labels.max().item<double>());
    phi_->train();
    const torch::Tensor r = SequenceRewards(batch);  // [N]
    const torch::Tensor loss = torch::binary_cross_entropy_with_logits(r, labels);
    const double accuracy =
        ((r.detach() > 0) == (labels > 0.5)).to(torch::kFloat64).mean().item<double>();
    const double grad_norm = Descend(loss);
    phi_->eval();
    return {{"prime/loss", loss.item<double>()},
            {"prime/accuracy", accuracy},
            {"prime/grad_norm", grad_norm}};
  }
};

}  // namespace

ProcessRewardRegistry::Entry PrimeProcessReward() {
  return LearningImplicitEntry<PrimeSource>(
      "prime",
      "beta * log pi_phi / pi_ref per token, pi_phi learning online from outcome labels (PRIME, "
      "Cui et al., arXiv:2502.01456)");
}

}  // namespace rlab::reward
