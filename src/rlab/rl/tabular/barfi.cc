#include "rlab/rl/tabular/barfi.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/core/shape_format.h"
#include "rlab/envs/tabular/grid_world.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

namespace et = envs::tabular;

torch::Tensor BudgetedSoftPolicy(const torch::Tensor& transitions, const torch::Tensor& rewards,
                                 double gamma, const BudgetedPlanner& planner) {
  RLAB_CHECK(planner.iterations >= 1, "budgeted planner: iterations must be >= 1, got {}",
             planner.iterations);
  RLAB_CHECK(planner.temperature > 0.0, "budgeted planner: temperature must be > 0, got {}",
             planner.temperature);
  const double tau = planner.temperature;
  torch::Tensor values = torch::zeros({transitions.size(0)}, torch::kDouble);  // [S]
  torch::Tensor q;                                                             // [S, A]
  for (int64_t k = 0; k < planner.iterations; ++k) {
    q = et::QFromValues(transitions, rewards, values, gamma);
    values = tau * torch::logsumexp(q / tau, 1);
  }
  return torch::softmax(q / tau, 1);
}

torch::Tensor BlendRewards(const torch::Tensor& channels, const torch::Tensor& weights) {
  RLAB_CHECK(channels.dim() == 4 && weights.dim() == 1 && weights.size(0) == channels.size(0),
             "blend: channels must be [K, S, A, S] and weights [K], got {} and {}",
             channels.sizes(), weights.sizes());
  return (weights.view({-1, 1, 1, 1}) * channels).sum(0);
}

namespace {

// J_p of the planner's policy on `rewards`, as a tensor that carries the gradient.
torch::Tensor PlannerPrimaryReturn(const et::FiniteMdp& mdp, const torch::Tensor& rewards,
                                   const BudgetedPlanner& planner) {
  const torch::Tensor policy = BudgetedSoftPolicy(mdp.transitions, rewards, mdp.gamma, planner);
  return torch::dot(mdp.initial,
                    et::EvaluatePolicy(mdp.transitions, mdp.rewards, mdp.gamma, policy));
}

}  // namespace

double PrimaryReturnOfPlanner(const et::FiniteMdp& mdp, const torch::Tensor& rewards,
                              const BudgetedPlanner& planner) {
  torch::NoGradGuard no_grad;
  return PlannerPrimaryReturn(mdp, rewards, planner).item<double>();
}

BarfiResult Barfi(const et::FiniteMdp& mdp, const torch::Tensor& channels,
                  const torch::Tensor& initial_weights, const BarfiOptions& options) {
  mdp.Validate();
  RLAB_CHECK(options.outer_steps >= 0 && options.outer_step > 0.0,
             "barfi: outer_steps must be >= 0 and outer_step > 0, got {} and {}",
             options.outer_steps, options.outer_step);
  BarfiResult result;
  torch::Tensor weights = initial_weights.detach().clone().to(torch::kDouble);
  for (int64_t step = 0; step < options.outer_steps; ++step) {
    weights.requires_grad_(true);
    const torch::Tensor primary =
        PlannerPrimaryReturn(mdp, BlendRewards(channels, weights), options.planner);
    result.primary_returns.push_back(primary.item<double>());
    const torch::Tensor gradient = torch::autograd::grad({primary}, {weights})[0];  // [K]
    const double norm = gradient.norm().item<double>();
    weights = (weights.detach() + options.outer_step * gradient / std::max(1.0, norm)).detach();
  }
  result.weights = weights.detach();
  result.primary_return =
      PrimaryReturnOfPlanner(mdp, BlendRewards(channels, result.weights), options.planner);
  return result;
}

namespace {

struct BarfiTask {
  int64_t size = 6;  // a size x size grid; start top-left, goal bottom-right
  double slip = 0.1;
  double gamma = 0.95;
  double helpful_scale = 0.1;     // helpful auxiliary: helpful_scale per step of progress
  double misaligned_bonus = 0.3;  // misaligned auxiliary: paid on entering the top-right cell
  double init_noise = 0.1;        // the blend starts at (1, 1, 1) + Normal(0, init_noise)
};

// Minus the Manhattan distance to the goal (bottom-right), times `scale`: [S].
torch::Tensor DistancePotential(int64_t size, double scale) {
  torch::Tensor potential = torch::zeros({size * size}, torch::kDouble);
  for (int64_t row = 0; row < size; ++row) {
    for (int64_t col = 0; col < size; ++col) {
      potential[row * size + col] =
          -scale * static_cast<double>((size - 1 - row) + (size - 1 - col));
    }
  }
  return potential;
}

class BlendStudy : public Study {
 public:
  BlendStudy(BarfiTask task, BarfiOptions options) : task_(task), options_(options) {}

  std::string Property() const override {
    return "BARFI tunes a blend of a sparse primary reward, a helpful progress reward and a "
           "misaligned reward (a distractor cell) for the primary return of a planner with a "
           "fixed budget: the primary return of its policy against the naive sum, the primary "
           "reward alone, primary plus the helpful reward, potential-based shaping and the "
           "optimum, and the learned weights (the misaligned one should fall)";
  }

  StudyResult Run(uint64_t seed) const override {
    const int64_t n = task_.size;
    et::GridWorldOptions grid{.rows = n,
                              .cols = n,
                              .slip = task_.slip,
                              .start = et::GridCell{0, 0},
                              .gamma = task_.gamma};
    const et::FiniteMdp mdp = et::MakeGridWorld(grid);
    const int64_t S = mdp.num_states();
    const torch::Tensor potential = DistancePotential(n, task_.helpful_scale);  // [S]
    // Helpful: progress towards the goal, phi(s') - phi(s) (undiscounted, so not exactly
    // potential-based shaping); misaligned: a bonus for entering the top-right cell.
    const torch::Tensor helpful =
        potential.view({1, 1, S}) - potential.view({S, 1, 1}) + torch::zeros_like(mdp.rewards);
    torch::Tensor misaligned = torch::zeros_like(mdp.rewards);
    misaligned.index_put_(
        {torch::indexing::Slice(), torch::indexing::Slice(), et::GridState(grid, {0, n - 1})},
        task_.misaligned_bonus);
    const torch::Tensor channels = torch::stack({mdp.rewards, helpful, misaligned});  // [3,S,A,S]

    Rng rng(DeriveSeed(seed, "barfi"));
    torch::Tensor initial = torch::ones({3}, torch::kDouble);
    for (int64_t k = 0; k < 3; ++k) initial[k] += rng.Normal(0.0, task_.init_noise);
    const BarfiResult barfi = Barfi(mdp, channels, initial, options_);

    auto blend_return = [&](const std::vector<double>& w) {
      return PrimaryReturnOfPlanner(mdp, BlendRewards(channels, torch::tensor(w, torch::kDouble)),
                                    options_.planner);
    };
    const et::ValueIterationResult optimum = et::ValueIteration(mdp);
    StudyResult result;
    auto& f = result.figures;
    f.emplace_back("barfi_primary_return", barfi.primary_return);
    f.emplace_back("naive_sum_primary_return", blend_return({1.0, 1.0, 1.0}));
    f.emplace_back("primary_only_primary_return", blend_return({1.0, 0.0, 0.0}));
    f.emplace_back("primary_helpful_primary_return", blend_return({1.0, 1.0, 0.0}));
    f.emplace_back(
        "potential_shaping_primary_return",
        PrimaryReturnOfPlanner(mdp, et::PotentialShaping(mdp.rewards, potential, mdp.gamma),
                               options_.planner));
    f.emplace_back("optimal_primary_return", et::ExpectedReturn(mdp, optimum.policy));
    f.emplace_back("barfi_start_primary_return", barfi.primary_returns.empty()
                                                     ? barfi.primary_return
                                                     : barfi.primary_returns.front());
    f.emplace_back("barfi_weight_primary", barfi.weights[0].item<double>());
    f.emplace_back("barfi_weight_helpful", barfi.weights[1].item<double>());
    f.emplace_back("barfi_weight_misaligned", barfi.weights[2].item<double>());
    f.emplace_back("barfi_weight_misaligned_per_primary",
                   barfi.weights[2].item<double>() / barfi.weights[0].item<double>());
    return result;
  }

 private:
  BarfiTask task_;
  BarfiOptions options_;
};

}  // namespace

StudyRegistry::Entry BarfiStudy() {
  const BarfiTask t;
  const BarfiOptions o;
  return {
      "barfi",
      "BARFI (arXiv:2310.19007): a blend of primary and auxiliary rewards tuned for the primary",
      {{"size", std::to_string(t.size), "side of the square grid"},
       {"misaligned_bonus", fmt::format("{}", t.misaligned_bonus),
        "reward for entering the distractor cell (top-right)"},
       {"helpful_scale", fmt::format("{}", t.helpful_scale), "reward per step of progress"},
       {"iterations", std::to_string(o.planner.iterations),
        "the inner planner's budget: soft Bellman backups from V = 0"},
       {"temperature", fmt::format("{}", o.planner.temperature), "the inner planner's tau"},
       {"outer_steps", std::to_string(o.outer_steps), "gradient steps on the blend"},
       {"outer_step", fmt::format("{}", o.outer_step), "length of an outer step (clipped)"}},
      [](const SpecArgs& args) -> std::unique_ptr<Study> {
        BarfiTask task;
        task.size = args.Get<int64_t>("size");
        RLAB_CHECK(task.size >= 2, "barfi: size must be >= 2, got {}", task.size);
        task.misaligned_bonus = args.Get<double>("misaligned_bonus");
        task.helpful_scale = args.Get<double>("helpful_scale");
        BarfiOptions options;
        options.planner.iterations = args.Get<int64_t>("iterations");
        options.planner.temperature = args.Get<double>("temperature");
        options.outer_steps = args.Get<int64_t>("outer_steps");
        options.outer_step = args.Get<double>("outer_step");
        return std::make_unique<BlendStudy>(task, options);
      }};
}

}  // namespace rlab::rl::tabular
