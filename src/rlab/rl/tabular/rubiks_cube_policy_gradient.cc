// Policy gradient with a learned cost between states on the 2x2x2 cube: "Solving Rubik's Cube
// Without Tricky Sampling" (Lin and Liang, arXiv:2411.19583). See the header for the method.
#include "rlab/rl/tabular/rubiks_cube_policy_gradient.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/rl/tabular/rubiks_cube_2x2.h"

namespace rlab::rl::tabular {
namespace {

using Options = RubiksCubePolicyGradientOptions;

// The scramble depths evaluated; 14 is the group's diameter in quarter turns.
constexpr int kEvalDepths[] = {1, 2, 3, 4, 6, 8, 14};

struct Pair {
  Cube2x2 state;
  Cube2x2 goal;
};

int InputSize(const Options& o) { return o.relative_goal ? kCubeFeatures : 2 * kCubeFeatures; }

// The network input of each (state, goal) pair: both states' features, or those of g^-1 * s.
torch::Tensor Inputs(const std::vector<Pair>& pairs, const Options& o) {
  const int width = InputSize(o);
  torch::Tensor x = torch::empty({static_cast<int64_t>(pairs.size()), width});  // [B, in]
  float* out = x.data_ptr<float>();
  for (size_t i = 0; i < pairs.size(); ++i, out += width) {
    if (o.relative_goal) {
      EncodeCube(Compose(Inverse(pairs[i].goal), pairs[i].state), out);
    } else {
      EncodeCube(pairs[i].state, out);
      EncodeCube(pairs[i].goal, out + kCubeFeatures);
    }
  }
  return x;
}

torch::nn::Sequential Mlp(int in, int hidden, int out) {
  return torch::nn::Sequential(torch::nn::Linear(in, hidden), torch::nn::ReLU(),
                               torch::nn::Linear(hidden, hidden), torch::nn::ReLU(),
                               torch::nn::Linear(hidden, out));
}

Cube2x2 UniformCube(Rng& rng) { return CubeFromIndex(rng.UniformInt(kCubeStates)); }

// Cost network: regress the length of a random walk from a uniformly random state to its end.
void TrainCostNetwork(torch::nn::Sequential& cost, const Options& o, Rng& rng) {
  torch::optim::Adam opt(cost->parameters(), torch::optim::AdamOptions(o.learning_rate));
  std::vector<Pair> pairs(o.cost_batch);
  std::vector<float> labels(o.cost_batch);
  for (int it = 0; it < o.cost_iterations; ++it) {
    for (int i = 0; i < o.cost_batch; ++i) {
      const int length = static_cast<int>(rng.UniformInt(o.cost_window + 1));
      pairs[i].state = UniformCube(rng);
      pairs[i].goal = ApplyMoves(pairs[i].state, ScrambleMoves(length, rng));
      labels[i] = static_cast<float>(length);
    }
    const torch::Tensor target = torch::tensor(labels);                          // [B]
    const torch::Tensor predicted = cost->forward(Inputs(pairs, o)).squeeze(1);  // [B]
    const torch::Tensor loss = (predicted - target).pow(2).mean();
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
}

std::vector<float> FloatValues(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

int SampleMove(const float* probs, Rng& rng) {
  double u = rng.Uniform(), acc = 0.0;
  for (int m = 0; m < kCubeMoves - 1; ++m) {
    acc += probs[m];
    if (u < acc) return m;
  }
  return kCubeMoves - 1;
}

// One REINFORCE update from `episodes` rollouts; returns the fraction that reached the target.
double PolicyUpdate(torch::nn::Sequential& policy, torch::nn::Sequential& cost,
                    torch::optim::Adam& opt, const Options& o, Rng& rng) {
  const int n = o.episodes, horizon = o.train_budget;
  std::vector<Pair> episode(n);
  for (Pair& e : episode) {
    e.state = UniformCube(rng);
    const int k =
        o.scramble_min + static_cast<int>(rng.UniformInt(o.scramble_max - o.scramble_min + 1));
    e.goal = ApplyMoves(e.state, ScrambleMoves(k, rng));
  }
  std::vector<bool> active(n, true);
  std::vector<float> potential;
  {
    torch::NoGradGuard no_grad;
    potential = FloatValues(cost->forward(Inputs(episode, o)).squeeze(1));
  }
  // Per step: the acting episodes, their inputs and moves, and the rewards they got.
  std::vector<std::vector<int>> who(horizon);
  std::vector<torch::Tensor> inputs;
  std::vector<int64_t> moves;
  std::vector<std::vector<double>> rewards(horizon);
  int reached = 0;
  for (int t = 0; t < horizon; ++t) {
    std::vector<Pair> acting;
    for (int i = 0; i < n; ++i) {
      if (active[i]) who[t].push_back(i), acting.push_back(episode[i]);
    }
    if (acting.empty()) break;
    const torch::Tensor x = Inputs(acting, o);  // [A, in]
    std::vector<float> probs, next_potential;
    std::vector<Pair> next = acting;
    {
      torch::NoGradGuard no_grad;
      probs = FloatValues(torch::softmax(policy->forward(x), 1));  // [A, 6]
      for (size_t j = 0; j < acting.size(); ++j) {
        const int m = SampleMove(&probs[j * kCubeMoves], rng);
        moves.push_back(m);
        next[j].state = ApplyMove(acting[j].state, m);
      }
      next_potential = FloatValues(cost->forward(Inputs(next, o)).squeeze(1));
    }
    inputs.push_back(x);
    for (size_t j = 0; j < acting.size(); ++j) {
      const int i = who[t][j];
      const bool solved = next[j].state == next[j].goal;
      const double shaped = solved ? potential[i] : potential[i] - next_potential[j];
      rewards[t].push_back((solved ? 1.0 : 0.0) + o.shaping * shaped);
      episode[i].state = next[j].state;
      potential[i] = solved ? 0.0f : next_potential[j];
      if (solved) active[i] = false, ++reached;
    }
  }
  // Returns to go, minus the mean return of the episodes acting at the same step.
  std::vector<double> to_go(n, 0.0);
  std::vector<std::vector<double>> advantage(horizon);
  for (int t = horizon - 1; t >= 0; --t) {
    if (who[t].empty()) continue;
    double mean = 0.0;
    for (size_t j = 0; j < who[t].size(); ++j) {
      to_go[who[t][j]] += rewards[t][j];
      mean += to_go[who[t][j]];
    }
    mean /= static_cast<double>(who[t].size());
    for (size_t j = 0; j < who[t].size(); ++j) advantage[t].push_back(to_go[who[t][j]] - mean);
  }
  std::vector<float> adv;
  for (const auto& a : advantage) adv.insert(adv.end(), a.begin(), a.end());
  const torch::Tensor logits = policy->forward(torch::cat(inputs));  // [N, 6]
  const torch::Tensor logp = torch::log_softmax(logits, 1);
  const torch::Tensor chosen = logp.gather(1, torch::tensor(moves).unsqueeze(1)).squeeze(1);  // [N]
  const torch::Tensor entropy = -(logp.exp() * logp).sum(1).mean();
  const torch::Tensor loss = -(torch::tensor(adv) * chosen).mean() - o.entropy * entropy;
  opt.zero_grad();
  loss.backward();
  opt.step();
  return static_cast<double>(reached) / n;
}

// Solved fraction of `starts` within `budget` moves; `choose` picks the moves of the unsolved.
template <class Choose>
double SolveRate(std::vector<Cube2x2> cubes, int budget, Choose choose) {
  std::vector<bool> solved(cubes.size());
  for (size_t i = 0; i < cubes.size(); ++i) solved[i] = IsSolved(cubes[i]);
  for (int t = 0; t < budget; ++t) {
    std::vector<size_t> open;
    for (size_t i = 0; i < cubes.size(); ++i) {
      if (!solved[i]) open.push_back(i);
    }
    if (open.empty()) break;
    std::vector<Cube2x2> now;
    for (size_t i : open) now.push_back(cubes[i]);
    const std::vector<int> moves = choose(now);
    for (size_t j = 0; j < open.size(); ++j) {
      cubes[open[j]] = ApplyMove(cubes[open[j]], moves[j]);
      solved[open[j]] = IsSolved(cubes[open[j]]);
    }
  }
  double count = 0;
  for (bool s : solved) count += s;
  return count / static_cast<double>(cubes.size());
}

std::vector<Pair> AimedAtSolved(const std::vector<Cube2x2>& cubes) {
  std::vector<Pair> pairs;
  for (const Cube2x2& c : cubes) pairs.push_back({c, SolvedCube()});
  return pairs;
}

double Correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    cov += (a[i] - ma) * (b[i] - mb), va += (a[i] - ma) * (a[i] - ma);
    vb += (b[i] - mb) * (b[i] - mb);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0.0;
}

void CheckOptions(const Options& o) {
  RLAB_CHECK(o.hidden >= 1 && o.cost_batch >= 1 && o.episodes >= 1 && o.eval_cubes >= 1,
             "study 'rubiks_cube': hidden, cost_batch, episodes and eval_cubes must be >= 1");
  RLAB_CHECK(o.cost_iterations >= 0 && o.policy_iterations >= 0 && o.cost_window >= 0,
             "study 'rubiks_cube': cost_iterations, policy_iterations and cost_window must be "
             ">= 0");
  RLAB_CHECK(1 <= o.scramble_min && o.scramble_min <= o.scramble_max,
             "study 'rubiks_cube': need 1 <= scramble_min <= scramble_max, got {} and {}",
             o.scramble_min, o.scramble_max);
  RLAB_CHECK(o.train_budget >= 1 && o.eval_budget >= 1,
             "study 'rubiks_cube': train_budget and eval_budget must be >= 1");
}

}  // namespace

StudyResult RunRubiksCubePolicyGradient(const Options& o, uint64_t seed) {
  CheckOptions(o);
  SeedTorch(DeriveSeed(seed, "rubiks_cube/init"));
  Rng rng(DeriveSeed(seed, "rubiks_cube/train"));
  Rng eval_rng(DeriveSeed(seed, "rubiks_cube/eval"));
  StudyResult result;
  const std::vector<uint8_t> distance = CubeDistances();
  const std::vector<int64_t> counts = DistanceCounts(distance);
  int64_t reached = 0;
  for (int64_t c : counts) reached += c;
  result.figures.emplace_back("group_states", static_cast<double>(reached));
  result.figures.emplace_back("group_diameter_qtm", static_cast<double>(counts.size() - 1));

  torch::nn::Sequential cost = Mlp(InputSize(o), o.hidden, 1);
  torch::nn::Sequential policy = Mlp(InputSize(o), o.hidden, kCubeMoves);
  TrainCostNetwork(cost, o, rng);
  torch::optim::Adam opt(policy->parameters(), torch::optim::AdamOptions(o.learning_rate));
  double recent = 0.0;
  const int last = std::max(1, o.policy_iterations / 10);
  for (int it = 0; it < o.policy_iterations; ++it) {
    const double rate = PolicyUpdate(policy, cost, opt, o, rng);
    if (it >= o.policy_iterations - last) recent += rate / last;
  }

  torch::NoGradGuard no_grad;
  auto greedy = [&](const std::vector<Cube2x2>& cubes) {
    const torch::Tensor best = policy->forward(Inputs(AimedAtSolved(cubes), o)).argmax(1);
    std::vector<int> moves(cubes.size());
    for (size_t i = 0; i < cubes.size(); ++i) moves[i] = static_cast<int>(best[i].item<int64_t>());
    return moves;
  };
  auto random = [&](const std::vector<Cube2x2>& cubes) {
    std::vector<int> moves(cubes.size());
    for (int& m : moves) m = static_cast<int>(eval_rng.UniformInt(kCubeMoves));
    return moves;
  };
  std::vector<double> predicted_cost, exact_cost;
  auto evaluate = [&](const std::string& name, const std::vector<Cube2x2>& cubes) {
    double optimal = 0;
    for (const Cube2x2& c : cubes) optimal += distance[CubeIndex(c)] <= o.eval_budget;
    const std::vector<float> cost_to_solved =
        FloatValues(cost->forward(Inputs(AimedAtSolved(cubes), o)).squeeze(1));
    for (size_t i = 0; i < cubes.size(); ++i) {
      predicted_cost.push_back(cost_to_solved[i]);
      exact_cost.push_back(distance[CubeIndex(cubes[i])]);
    }
    result.figures.emplace_back("solve_rate_" + name, SolveRate(cubes, o.eval_budget, greedy));
    result.figures.emplace_back("random_solve_rate_" + name,
                                SolveRate(cubes, o.eval_budget, random));
    result.figures.emplace_back("optimal_solve_rate_" + name,
                                optimal / static_cast<double>(cubes.size()));
  };
  for (int depth : kEvalDepths) {
    std::vector<Cube2x2> cubes;
    for (int i = 0; i < o.eval_cubes; ++i) {
      cubes.push_back(ApplyMoves(SolvedCube(), ScrambleMoves(depth, eval_rng)));
    }
    evaluate("depth_" + std::to_string(depth), cubes);
  }
  std::vector<Cube2x2> uniform;
  for (int i = 0; i < o.eval_cubes; ++i) uniform.push_back(UniformCube(eval_rng));
  evaluate("uniform", uniform);
  result.figures.emplace_back("cost_net_corr_exact", Correlation(predicted_cost, exact_cost));
  result.figures.emplace_back("train_reach_rate_final", recent);
  return result;
}

namespace {

class RubiksCubeStudyImpl : public Study {
 public:
  explicit RubiksCubeStudyImpl(Options options) : options_(std::move(options)) {}
  std::string Property() const override {
    return "2x2x2 cube, sparse reward: the policy trained by policy gradient with a learned cost "
           "between scrambled states, aimed at solved with no search, solves cubes scrambled k "
           "moves and uniformly random cubes within eval_budget moves at solve_rate_*, against "
           "a random policy and the exact optimum (arXiv:2411.19583 claims >99.4% on scrambled)";
  }
  StudyResult Run(uint64_t seed) const override {
    return RunRubiksCubePolicyGradient(options_, seed);
  }

 private:
  Options options_;
};

}  // namespace

StudyRegistry::Entry RubiksCubeStudy() {
  const Options d;
  auto text = [](auto v) {
    if constexpr (std::is_same_v<decltype(v), bool>) {
      return std::string(v ? "true" : "false");
    } else {
      return fmt::format("{}", v);
    }
  };
  StudyRegistry::Entry e;
  e.name = "rubiks_cube";
  e.help = "2x2x2 cube: policy gradient with a learned cost between states (arXiv:2411.19583)";
  e.keys = {
      {"hidden", text(d.hidden), "width of both MLPs' two hidden layers"},
      {"relative_goal", text(d.relative_goal),
       "feed g^-1*s instead of the (state, goal) pair (exact on a group)"},
      {"cost_iterations", text(d.cost_iterations), "cost-network updates"},
      {"cost_batch", text(d.cost_batch), "pairs per cost-network update"},
      {"cost_window", text(d.cost_window), "longest random walk between a pair's states"},
      {"policy_iterations", text(d.policy_iterations), "policy-gradient updates"},
      {"episodes", text(d.episodes), "episodes per policy-gradient update"},
      {"scramble_min", text(d.scramble_min), "fewest moves from start to target in training"},
      {"scramble_max", text(d.scramble_max), "most moves from start to target in training"},
      {"train_budget", text(d.train_budget), "moves per training episode"},
      {"shaping", text(d.shaping), "weight of the cost network's potential-based shaping"},
      {"entropy", text(d.entropy), "entropy bonus of the policy loss"},
      {"learning_rate", text(d.learning_rate), "Adam step size of both networks"},
      {"eval_budget", text(d.eval_budget), "moves allowed to solve an evaluation cube"},
      {"eval_cubes", text(d.eval_cubes), "cubes per scramble depth in evaluation"},
  };
  e.factory = [](const SpecArgs& a) -> std::unique_ptr<Study> {
    Options o;
    o.hidden = a.Get<int>("hidden");
    o.relative_goal = a.Get<bool>("relative_goal");
    o.cost_iterations = a.Get<int>("cost_iterations");
    o.cost_batch = a.Get<int>("cost_batch");
    o.cost_window = a.Get<int>("cost_window");
    o.policy_iterations = a.Get<int>("policy_iterations");
    o.episodes = a.Get<int>("episodes");
    o.scramble_min = a.Get<int>("scramble_min");
    o.scramble_max = a.Get<int>("scramble_max");
    o.train_budget = a.Get<int>("train_budget");
    o.shaping = a.Get<double>("shaping");
    o.entropy = a.Get<double>("entropy");
    o.learning_rate = a.Get<double>("learning_rate");
    o.eval_budget = a.Get<int>("eval_budget");
    o.eval_cubes = a.Get<int>("eval_cubes");
    CheckOptions(o);
    return std::make_unique<RubiksCubeStudyImpl>(o);
  };
  return e;
}

}  // namespace rlab::rl::tabular
