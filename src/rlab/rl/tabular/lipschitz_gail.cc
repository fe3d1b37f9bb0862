// Paper: "Lipschitzness Is All You Need To Tame Off-policy Generative Adversarial Imitation
// Learning", arXiv:2006.16785 (see lipschitz_gail.h).
#include "rlab/rl/tabular/lipschitz_gail.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/grid_world.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/soft_value_iteration.h"

namespace rlab::rl::tabular {

namespace et = rlab::envs::tabular;

torch::Tensor ImitationRewardFromLogit(const torch::Tensor& logit) {
  return torch::softplus(logit);  // -log(1 - sigmoid(f)) = log(1 + e^f)
}

torch::Tensor GradientPenalty(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                              const torch::Tensor& expert, const torch::Tensor& policy,
                              const torch::Tensor& mix, double target) {
  const torch::Tensor u = mix.unsqueeze(1);  // [B, 1]
  const torch::Tensor x = (u * expert + (1.0 - u) * policy).detach().requires_grad_(true);
  const torch::Tensor logits = f(x);  // [B]
  const torch::Tensor grad = torch::autograd::grad({logits.sum()}, {x}, {},
                                                   /*retain_graph=*/true,
                                                   /*create_graph=*/true)[0];  // [B, F]
  // The small constant keeps the norm differentiable where the gradient vanishes.
  const torch::Tensor norm = (grad.square().sum(1) + 1e-12).sqrt();  // [B]
  return (norm - target).square().mean();
}

ReplayBuffer::ReplayBuffer(int64_t capacity, int64_t features)
    : capacity_(capacity), features_(features) {
  RLAB_CHECK(capacity > 0 && features > 0,
             "replay buffer: capacity and features must be positive, got {} and {}", capacity,
             features);
}

void ReplayBuffer::Add(const std::vector<double>& row) {
  RLAB_CHECK(static_cast<int64_t>(row.size()) == features_,
             "replay buffer: a row has {} features, the buffer holds {}", row.size(), features_);
  if (size() < capacity_) {
    rows_.push_back(row);
    return;
  }
  rows_[static_cast<size_t>(next_)] = row;
  next_ = (next_ + 1) % capacity_;
}

torch::Tensor ReplayBuffer::Sample(int64_t n, Rng& rng) const {
  RLAB_CHECK(!rows_.empty(), "replay buffer: cannot sample from an empty buffer");
  torch::Tensor out = torch::empty({n, features_}, torch::kDouble);  // [n, F]
  double* p = out.data_ptr<double>();
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<double>& row = rows_[static_cast<size_t>(rng.UniformInt(size()))];
    std::copy(row.begin(), row.end(), p + i * features_);
  }
  return out;
}

namespace {

constexpr int64_t kFeatures = 2 + et::kGridActions;  // (x, y) and the action one-hot

// A tanh MLP from features [B, F] to logits [B], its weights drawn from the run's generator.
class Discriminator {
 public:
  Discriminator(int64_t hidden, Rng& rng)
      : w1_(Init({kFeatures, hidden}, kFeatures, rng)),
        b1_(Init({hidden}, kFeatures, rng)),
        w2_(Init({hidden, hidden}, hidden, rng)),
        b2_(Init({hidden}, hidden, rng)),
        w3_(Init({hidden, 1}, hidden, rng)),
        b3_(Init({1}, hidden, rng)) {}

  torch::Tensor Logit(const torch::Tensor& x) const {
    const torch::Tensor h1 = torch::tanh(torch::addmm(b1_, x, w1_));   // [B, H]
    const torch::Tensor h2 = torch::tanh(torch::addmm(b2_, h1, w2_));  // [B, H]
    return torch::addmm(b3_, h2, w3_).squeeze(1);                      // [B]
  }
  std::vector<torch::Tensor> parameters() const { return {w1_, b1_, w2_, b2_, w3_, b3_}; }

 private:
  static torch::Tensor Init(std::vector<int64_t> shape, int64_t fan_in, Rng& rng) {
    torch::Tensor t = torch::empty(shape, torch::kDouble);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    double* p = t.data_ptr<double>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = rng.Uniform(-bound, bound);
    return t.requires_grad_(true);
  }
  torch::Tensor w1_, b1_, w2_, b2_, w3_, b3_;
};

// The grid's cells as (x, y) in [-1, 1]^2 and the features of (s, a).
struct GridFeatures {
  int64_t side;
  double Coordinate(int64_t i) const { return 2.0 * i / static_cast<double>(side - 1) - 1.0; }
  std::vector<double> Row(int64_t state, int64_t action, double noise, Rng& rng) const {
    std::vector<double> row(kFeatures, 0.0);
    row[0] = Coordinate(state % side) + noise * rng.Normal();
    row[1] = Coordinate(state / side) + noise * rng.Normal();
    row[2 + action] = 1.0;
    return row;
  }
  // [S * A, F] features of every (s, a), in [s][a] order, with positions noised by `noise`.
  torch::Tensor All(int64_t num_states, double noise, Rng& rng) const {
    torch::Tensor out = torch::empty({num_states * et::kGridActions, kFeatures}, torch::kDouble);
    double* p = out.data_ptr<double>();
    for (int64_t s = 0; s < num_states; ++s) {
      for (int64_t a = 0; a < et::kGridActions; ++a) {
        const std::vector<double> row = Row(s, a, noise, rng);
        std::copy(row.begin(), row.end(), p + (s * et::kGridActions + a) * kFeatures);
      }
    }
    return out;
  }
};

int64_t Draw(const double* probabilities, int64_t n, Rng& rng) {
  double u = rng.Uniform();
  for (int64_t i = 0; i < n - 1; ++i) {
    u -= probabilities[i];
    if (u < 0.0) return i;
  }
  return n - 1;
}

// Runs `episodes` episodes of `horizon` steps of `policy` [S, A] from `initial` and hands each
// (s, a) to `visit`.
void Rollouts(const et::FiniteMdp& mdp, const torch::Tensor& policy, int64_t episodes,
              int64_t horizon, Rng& rng, const std::function<void(int64_t, int64_t)>& visit) {
  const torch::Tensor pi = policy.contiguous(), p = mdp.transitions.contiguous(),
                      mu = mdp.initial.contiguous();
  const int64_t s_count = mdp.num_states(), a_count = mdp.num_actions();
  for (int64_t e = 0; e < episodes; ++e) {
    int64_t s = Draw(mu.data_ptr<double>(), s_count, rng);
    for (int64_t t = 0; t < horizon; ++t) {
      const int64_t a = Draw(pi.data_ptr<double>() + s * a_count, a_count, rng);
      visit(s, a);
      s = Draw(p.data_ptr<double>() + (s * a_count + a) * s_count, s_count, rng);
    }
  }
}

// The largest |r(s, a) - r(s', a)| / ||x(s) - x(s')|| over right and down neighbours.
double RewardLipschitz(const torch::Tensor& rewards, const GridFeatures& grid) {
  const double spacing = grid.Coordinate(1) - grid.Coordinate(0);
  const torch::Tensor r = rewards.reshape({grid.side, grid.side, et::kGridActions});
  const torch::Tensor across = (r.slice(1, 1) - r.slice(1, 0, -1)).abs().max();
  const torch::Tensor down = (r.slice(0, 1) - r.slice(0, 0, -1)).abs().max();
  return std::max(across.item<double>(), down.item<double>()) / spacing;
}

}  // namespace

LipschitzGailResult RunLipschitzGail(const LipschitzGailOptions& o, uint64_t seed) {
  RLAB_CHECK(o.grid >= 2 && o.horizon >= 1 && o.iterations >= 1 && o.batch >= 1 &&
                 o.expert_episodes >= 1 && o.episodes_per_iteration >= 1,
             "lipschitz_gail: grid >= 2 and positive horizon, iterations, batch and episodes "
             "are needed");
  et::GridWorldOptions grid_options{.rows = o.grid,
                                    .cols = o.grid,
                                    .slip = o.slip,
                                    .start = et::GridCell{0, 0},
                                    .gamma = o.gamma};
  const et::FiniteMdp mdp = et::MakeGridWorld(grid_options);
  const int64_t s_count = mdp.num_states(), a_count = mdp.num_actions();
  const GridFeatures grid{o.grid};
  Rng rng(DeriveSeed(seed, "lipschitz_gail"));

  const torch::Tensor expert_policy = et::ValueIteration(mdp).policy;
  const torch::Tensor uniform = et::UniformPolicy(s_count, a_count);
  const double expert_return = et::ExpectedReturn(mdp, expert_policy);
  const double uniform_return = et::ExpectedReturn(mdp, uniform);

  std::vector<std::vector<double>> expert_rows;
  Rollouts(mdp, expert_policy, o.expert_episodes, o.horizon, rng, [&](int64_t s, int64_t a) {
    expert_rows.push_back(grid.Row(s, a, o.feature_noise, rng));
  });
  ReplayBuffer expert(static_cast<int64_t>(expert_rows.size()), kFeatures);
  for (const auto& row : expert_rows) expert.Add(row);
  ReplayBuffer buffer(o.buffer_capacity, kFeatures);

  Discriminator discriminator(o.hidden, rng);
  torch::optim::Adam optimiser(discriminator.parameters(),
                               torch::optim::AdamOptions(o.learning_rate));
  const auto logit = [&](const torch::Tensor& x) { return discriminator.Logit(x); };
  const torch::Tensor centres = grid.All(s_count, 0.0, rng);  // [S * A, F]

  LipschitzGailResult result;
  torch::Tensor policy = uniform;
  for (int64_t it = 0; it < o.iterations; ++it) {
    Rollouts(mdp, policy, o.episodes_per_iteration, o.horizon, rng,
             [&](int64_t s, int64_t a) { buffer.Add(grid.Row(s, a, o.feature_noise, rng)); });
    for (int64_t step = 0; step < o.discriminator_steps; ++step) {
      const torch::Tensor e = expert.Sample(o.batch, rng);  // [B, F]
      const torch::Tensor p = buffer.Sample(o.batch, rng);  // [B, F]
      // Expert labelled 1, the buffer 0: -log D(e) - log(1 - D(p)).
      torch::Tensor loss = torch::softplus(-logit(e)).mean() + torch::softplus(logit(p)).mean();
      if (o.penalty_weight > 0.0) {
        torch::Tensor mix = torch::empty({o.batch}, torch::kDouble);  // [B]
        double* u = mix.data_ptr<double>();
        for (int64_t i = 0; i < o.batch; ++i) u[i] = rng.Uniform();
        loss = loss + o.penalty_weight * GradientPenalty(logit, e, p, mix, o.penalty_target);
      }
      optimiser.zero_grad();
      loss.backward();
      optimiser.step();
    }
    torch::Tensor rewards, centre_rewards;  // [S, A]
    {
      torch::NoGradGuard no_grad;
      centre_rewards = ImitationRewardFromLogit(logit(centres)).reshape({s_count, a_count});
      rewards = o.observed_rewards
                    ? ImitationRewardFromLogit(logit(grid.All(s_count, o.feature_noise, rng)))
                          .reshape({s_count, a_count})
                    : centre_rewards;
    }
    // The learner's rewards are per (s, a): the same for every successor.
    policy = SoftValueIteration(mdp.transitions, rewards.unsqueeze(2).expand_as(mdp.transitions),
                                o.gamma,
                                {.temperature = o.temperature, .iteration = {.tolerance = 1e-8}})
                 .policy;
    result.normalised_returns.push_back((et::ExpectedReturn(mdp, policy) - uniform_return) /
                                        (expert_return - uniform_return));
    result.reward_lipschitz.push_back(RewardLipschitz(centre_rewards, grid));
  }
  return result;
}

}  // namespace rlab::rl::tabular
