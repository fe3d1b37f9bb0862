// DPO on a bandit: one prompt, four responses with a known reward r, preferences sampled from
// the Bradley-Terry model of r. The policy that minimises the DPO loss is
// pi*(y) = pi_ref(y) exp(r(y) / beta) / Z (Rafailov et al. 2023, section 4); with 200,000
// sampled comparisons the trained tabular policy must match it within 0.01 per response
// (the sampling error of the label frequencies is about 0.003 per pair).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/rng.h"
#include "rlab/prefopt/dpo_losses.h"

namespace rlab::prefopt {
namespace {

TEST(DpoBandit, TrainedPolicyMatchesTheClosedFormOptimum) {
  const std::vector<double> reward = {1.0, 0.5, 0.0, -0.5};
  const std::vector<double> ref = {0.4, 0.3, 0.2, 0.1};
  const double beta = 0.5;
  const int64_t K = 4;
  // Label counts wins[i][j]: how often i was preferred to j.
  Rng rng(11);
  std::vector<std::vector<double>> wins(K, std::vector<double>(K, 0.0));
  const int64_t n = 200000;
  for (int64_t s = 0; s < n; ++s) {
    const int64_t i = rng.UniformInt(K);
    int64_t j = rng.UniformInt(K - 1);
    if (j >= i) ++j;
    const double p = 1.0 / (1.0 + std::exp(-(reward[i] - reward[j])));
    if (rng.Uniform() < p)
      wins[i][j] += 1;
    else
      wins[j][i] += 1;
  }
  // Every ordered (winner, loser) pair with its count, as one batch.
  std::vector<int64_t> winner, loser;
  std::vector<double> count;
  for (int64_t i = 0; i < K; ++i) {
    for (int64_t j = 0; j < K; ++j) {
      if (wins[i][j] > 0) {
        winner.push_back(i);
        loser.push_back(j);
        count.push_back(wins[i][j]);
      }
    }
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor w = torch::tensor(winner), l = torch::tensor(loser);
  const torch::Tensor weight = torch::tensor(count, opts) / static_cast<double>(n);
  const torch::Tensor log_ref = torch::log(torch::tensor(ref, opts));
  torch::Tensor logits = log_ref.clone().requires_grad_(true);
  const auto loss = MakeDpoLoss("sigmoid(beta=0.5)");
  torch::optim::Adam optimizer({logits}, torch::optim::AdamOptions(0.1));
  for (int step = 0; step < 800; ++step) {
    optimizer.zero_grad();
    const torch::Tensor logp = torch::log_softmax(logits, 0);
    // The per-pair losses weighted by their counts: the registry's mean over a batch of one
    // pair type at a time would need the counts as repeats, so weight each pair's mean.
    torch::Tensor total = torch::zeros({}, opts);
    for (int64_t k = 0; k < w.size(0); ++k) {
      const PreferenceLogps p{logp.index({w[k]}).unsqueeze(0),
                              logp.index({l[k]}).unsqueeze(0),
                              log_ref.index({w[k]}).unsqueeze(0),
                              log_ref.index({l[k]}).unsqueeze(0),
                              {},
                              {}};
      total = total + weight[k] * (*loss)(p).loss;
    }
    total.backward();
    optimizer.step();
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor policy = torch::softmax(logits, 0);
  double z = 0;
  for (int64_t k = 0; k < K; ++k) z += ref[k] * std::exp(reward[k] / beta);
  for (int64_t k = 0; k < K; ++k) {
    const double optimum = ref[k] * std::exp(reward[k] / beta) / z;
    EXPECT_NEAR(policy[k].item<double>(), optimum, 0.01) << "response " << k;
  }
}

}  // namespace
}  // namespace rlab::prefopt
