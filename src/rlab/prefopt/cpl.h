// Contrastive Preference Learning (Hejna, Rafailov, Sikchi, Finn, Niekum, Sadigh, Knox,
// "Contrastive Preference Learning: Learning from Human Feedback without RL",
// arXiv:2310.13639): a policy learned directly from segment preferences, with no reward model
// and no RL. Under the regret-based preference model, the optimal advantage is alpha log pi,
// so a segment's score is S(sigma) = sum_t gamma^t alpha log pi(a_t | s_t) and
//
//   L_CPL(lambda) = -log [ exp(S(sigma+)) / (exp(S(sigma+)) + exp(lambda S(sigma-))) ]
//                 = -log sigmoid(S(sigma+) - lambda S(sigma-)),
//
// with the conservative bias lambda in (0, 1] (the paper's CPL(lambda); lambda = 1 is plain
// CPL), which makes the loss prefer raising the likelihood of preferred behaviour over lowering
// that of dispreferred behaviour. Ties (label 0.5) count both orders with weight 1/2. Absorbing
// padding steps (data/trajectory_store.h) score 0: an absorbing state offers no choice. An
// optional behaviour-cloning term on the preferred segments (bc_weight) is the regulariser the
// paper's experiments add.
//
// CplAgent is a policy (prefopt/cpl_policy.h: categorical for discrete action spaces, Gaussian
// for boxes such as Pendulum-v1's) that collects behaviour for the pbrl pipeline and is
// trained by TrainOnPreferences after every feedback round.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/metrics.h"
#include "rlab/reward/model/ensemble_reward_model.h"
#include "rlab/rl/agent.h"

namespace rlab::prefopt {

struct CplConfig {
  double alpha = 0.1;   // temperature of the advantage alpha log pi
  double lambda = 0.5;  // conservative bias on the dispreferred segment
  double gamma = 1.0;   // discount within a segment
  double bc_weight = 0.0;
  std::vector<int64_t> hidden = {64, 64};
  double init_std = 0.5;  // Gaussian policies: starting std in units of the box's half-width
  double lr = 1e-3;
  int64_t batch_size = 64;
  int64_t steps_per_round = 200;  // gradient steps after each feedback round
  int64_t num_envs = 4;
  int64_t num_steps = 128;  // steps per environment per Iterate (behaviour collection)

  template <class V>
  void Fields(V& v) {
    v("alpha", alpha, "temperature of the advantage alpha log pi");
    v("lambda", lambda, "conservative bias on the dispreferred segment, in (0, 1]");
    v("gamma", gamma, "discount within a segment");
    v("bc_weight", bc_weight, "weight of behaviour cloning on the preferred segments");
    v("hidden", hidden, "hidden widths of the policy");
    v("init_std", init_std, "continuous actions: starting std as a fraction of the half-width");
    v("lr", lr, "Adam learning rate");
    v("batch_size", batch_size, "labelled pairs per gradient step");
    v("steps_per_round", steps_per_round, "gradient steps after each feedback round");
    v("num_envs", num_envs, "parallel environments collecting behaviour");
    v("num_steps", num_steps, "steps per environment per iteration");
  }
  void Validate() const;
};

// -log sigmoid(S+ - lambda S-) for segment scores S+ and S- ([N] each) -> [N].
torch::Tensor CplLoss(const torch::Tensor& preferred_score, const torch::Tensor& dispreferred_score,
                      double lambda);

class CplAgent : public rl::Agent {
 public:
  virtual ~CplAgent() = default;
  // Gradient steps of the CPL loss on labelled pairs (B-Pref labels: 0 first preferred, 1
  // second, 0.5 tie); returns the mean loss and the fraction of pairs whose preferred
  // segment scores higher.
  virtual MetricList TrainOnPreferences(const reward::PreferencePairs& pairs) = 0;
  // sum_t gamma^t alpha log pi(a_t | s_t) of segments obs [N, H, D], actions [N, H, A] -> [N];
  // steps marked in `absorbing` ([N, H] bool, may be undefined) count 0.
  virtual torch::Tensor SegmentScores(const torch::Tensor& obs, const torch::Tensor& actions,
                                      const torch::Tensor& absorbing) = 0;
};

std::unique_ptr<CplAgent> MakeCplAgent(const CplConfig& config, const envs::VectorEnv& env,
                                       uint64_t seed);

}  // namespace rlab::prefopt
