// process reward oprl(beta=.., lr=..): OPRL's implicit process reward model (Liu et al., "Online
// Process Reward Leanring for Agentic Reinforcement Learning" [sic], arXiv:2509.19199). pi_phi
// starts as a copy of the reference and gives the reward r_t = beta * log pi_phi(y_t) /
// pi_ref(y_t); after each batch is scored it learns by trajectory-level DPO on the batch's own
// rollouts: every two completions of one prompt whose outcomes differ make a pair (w better
// than l), and
//   L = mean over pairs of -log sigma(R(w) - R(l)),  R = beta * sum_t log pi_phi / pi_ref,
// one optimiser step per batch, alternating with the policy's. Its step rewards (per=step sums
// each step's tokens) are combined with the outcome's advantage by the credit scheme
// (rl/step_credit.h), as the paper adds step-level to episode-level advantages. Here the ratio
// is to the frozen reference (the paper's is to the policy of the previous round), and the
// trajectories are single completions whose steps are the task's reasoning steps rather than an
// agent's turns.
#include <torch/torch.h>

#include <vector>

#include "rlab/core/check.h"
#include "rlab/reward/signal/process_rewards/implicit_process_reward.h"

namespace rlab::reward {

namespace {

// Pairs (better, worse) of rows that answer the same prompt (rows of a prompt are contiguous)
// with different outcomes [N].
std::vector<std::pair<int64_t, int64_t>> OutcomePairs(const std::vector<std::string>& prompts,
                                                      const torch::Tensor& outcome) {
  const torch::Tensor values = outcome.detach().to(torch::kFloat64).contiguous();
  const auto r = values.accessor<double, 1>();
  std::vector<std::pair<int64_t, int64_t>> pairs;
  const int64_t n = static_cast<int64_t>(prompts.size());
  for (int64_t begin = 0, end = 0; begin < n; begin = end) {
    while (end < n && prompts[end] == prompts[begin]) ++end;
    for (int64_t i = begin; i < end; ++i) {
      for (int64_t j = begin; j < end; ++j) {
        if (r[i] > r[j]) pairs.emplace_back(i, j);
      }
    }
  }
  return pairs;
}

class OprlSource : public ImplicitRewardSource {
 public:
  using ImplicitRewardSource::ImplicitRewardSource;

  MetricList Learn(const ProcessRewardBatch& batch, const torch::Tensor& outcome) override {
    RLAB_CHECK(outcome.numel() == static_cast<int64_t>(batch.prompts.size()),
               "{}: {} outcome rewards for {} completions", Describe(), outcome.numel(),
               batch.prompts.size());
    const auto pairs = OutcomePairs(batch.prompts, outcome.reshape({-1}));
    if (pairs.empty()) return {{"oprl/loss", 0.0}, {"oprl/pair_accuracy", 0.0}, {"oprl/pairs", 0}};
    std::vector<int64_t> better, worse;
    for (const auto& [w, l] : pairs) better.push_back(w), worse.push_back(l);
    phi_->train();
    const torch::Tensor r = SequenceRewards(batch);  // [N]
    const torch::Tensor margin = r.index({torch::tensor(better)}) - r.index({torch::tensor(worse)});
    const torch::Tensor loss = torch::softplus(-margin).mean();  // -log sigma(margin)
    const double accuracy = (margin.detach() > 0).to(torch::kFloat64).mean().item<double>();
    Descend(loss);
    phi_->eval();
    return {{"oprl/loss", loss.item<double>()},
            {"oprl/pair_accuracy", accuracy},
            {"oprl/pairs", static_cast<double>(pairs.size())}};
  }
};

}  // namespace

ProcessRewardRegistry::Entry OprlProcessReward() {
  return LearningImplicitEntry<OprlSource>(
      "oprl",
      "beta * log pi_phi / pi_ref, pi_phi learning online by trajectory-level DPO on rollouts "
      "ranked by outcome (OPRL, Liu et al., arXiv:2509.19199)");
}

}  // namespace rlab::reward
