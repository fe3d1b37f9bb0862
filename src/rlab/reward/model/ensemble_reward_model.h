// The reward model of preference-based RL for control: an ensemble of MLPs r_m(s, a) or
// r_m(s, a, s'), each giving a per-step reward, compared over segments through the
// Bradley-Terry model
//   P_m(sigma1 > sigma2) = exp(R_m(sigma1)) / (exp(R_m(sigma1)) + exp(R_m(sigma2)))
//                        = sigmoid(R_m(sigma1) - R_m(sigma2)),   R_m(sigma) = sum_k r_m(s_k, a_k)
// (Christiano et al., "Deep Reinforcement Learning from Human Preferences", arXiv:1706.03741;
// Lee et al., "PEBBLE: Feedback-Efficient Interactive Reinforcement Learning via Relabeling
// Experience and Unsupervised Pre-training", arXiv:2106.05091, eq. 1-2).
//
// PEBBLE's reward networks have three hidden layers of 256 units and a tanh on the output
// (its `activation: tanh`); the defaults here follow it, with ReLU in place of its LeakyReLU
// because models::Mlp offers relu and tanh. The learner's reward is the members' mean,
// normalised by a mean and standard deviation fitted on visited transitions
// (FitNormalization), so that the agent sees a reward of a fixed scale whatever the ensemble
// learned. Training lives in ensemble_reward_trainer.h.
//
// Labels follow B-Pref's convention (Lee et al., "B-Pref: Benchmarking Preference-Based
// Reinforcement Learning", arXiv:2111.03026): 0 = first segment preferred, 1 = second,
// 0.5 = equally preferable.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rlab/models/mlp.h"

namespace rlab::reward {

struct RewardEnsembleOptions {
  int64_t obs_dim = 0;
  int64_t action_dim = 0;
  bool use_next_obs = false;  // r(s, a, s') instead of r(s, a)
  int64_t members = 3;
  std::vector<int64_t> hidden = {256, 256, 256};
  std::string activation = "relu";  // hidden layers: relu or tanh
  bool tanh_output = true;          // PEBBLE bounds each step's reward to (-1, 1)
  void Validate() const;
  int64_t input_dim() const { return obs_dim + action_dim + (use_next_obs ? obs_dim : 0); }
};

// N segments of H steps as the reward model sees them.
struct SegmentBatch {
  torch::Tensor obs;        // [N, H, obs_dim] float
  torch::Tensor actions;    // [N, H, action_dim] float
  torch::Tensor next_obs;   // [N, H, obs_dim] float; may be undefined unless use_next_obs
  torch::Tensor absorbing;  // [N, H] bool, may be undefined: padding steps, not behaviour (the
                            // reward model uses them; CPL scores only real steps)

  int64_t size() const { return obs.size(0); }
  SegmentBatch Index(const torch::Tensor& index) const;  // index: [K] int64
};

// Converts a data::SegmentTensors (or anything with obs, actions and next_obs).
template <class SegmentTensorsT>
SegmentBatch ToSegmentBatch(const SegmentTensorsT& t) {
  if constexpr (requires { t.absorbing; }) {
    return {t.obs, t.actions, t.next_obs, t.absorbing};
  } else {
    return {t.obs, t.actions, t.next_obs};
  }
}

// Labelled pairs of segments.
struct PreferencePairs {
  SegmentBatch first, second;
  torch::Tensor labels;  // [N] float: 0 first preferred, 1 second preferred, 0.5 tie

  int64_t size() const { return labels.size(0); }
  PreferencePairs Index(const torch::Tensor& index) const;  // index: [K] int64
};

class RewardEnsembleImpl : public torch::nn::Module {
 public:
  explicit RewardEnsembleImpl(const RewardEnsembleOptions& options);

  // The network input [..., input_dim]: obs, actions and (when used) next_obs concatenated.
  torch::Tensor Features(const torch::Tensor& obs, const torch::Tensor& actions,
                         const torch::Tensor& next_obs) const;
  // Member m's per-step rewards of features [..., input_dim] -> [...] (with autograd).
  torch::Tensor MemberForward(int64_t m, const torch::Tensor& features);
  // Member m's segment returns of segment features [N, H, input_dim] -> [N] (with autograd).
  torch::Tensor MemberSegmentReturn(int64_t m, const torch::Tensor& segment_features);

  // Inference (no autograd). obs [B, obs_dim], actions [B, action_dim], next_obs [B, obs_dim]
  // (ignored unless use_next_obs).
  torch::Tensor MemberRewards(const torch::Tensor& obs, const torch::Tensor& actions,
                              const torch::Tensor& next_obs);  // [M, B] raw
  // The members' mean [B], normalised by the fitted mean and std when `normalized`.
  torch::Tensor Reward(const torch::Tensor& obs, const torch::Tensor& actions,
                       const torch::Tensor& next_obs, bool normalized = true);
  torch::Tensor MemberSegmentReturns(const SegmentBatch& segments);  // [M, N]
  // P_m(first > second) = sigmoid(R_m(first) - R_m(second)): [M, N], what query selectors take.
  torch::Tensor MemberPreferenceProbabilities(const SegmentBatch& first,
                                              const SegmentBatch& second);
  // Fraction of pairs whose preferred segment has the larger ensemble-mean return; ties
  // (label 0.5) are not counted; 0 when every pair is a tie.
  double Accuracy(const PreferencePairs& pairs);

  // Fits the normalisation to the members' mean reward on visited transitions ([B, ...] as
  // for Reward): afterwards Reward(normalized) has mean 0 and standard deviation 1 on them.
  void FitNormalization(const torch::Tensor& obs, const torch::Tensor& actions,
                        const torch::Tensor& next_obs);
  double normalization_mean() const;
  double normalization_std() const;

  const RewardEnsembleOptions& options() const { return options_; }
  int64_t members() const { return options_.members; }
  std::vector<torch::Tensor> MemberParameters(int64_t m) const;

  // Checks shapes of a batch of segments against the options.
  void CheckSegments(const SegmentBatch& segments, const char* what) const;

 private:
  RewardEnsembleOptions options_;
  std::vector<models::Mlp> members_;
  torch::Tensor normalization_;  // [2] float: mean, std (a buffer, saved with the module)
};
TORCH_MODULE(RewardEnsemble);

}  // namespace rlab::reward
