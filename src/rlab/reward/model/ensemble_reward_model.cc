#include "rlab/reward/model/ensemble_reward_model.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

void RewardEnsembleOptions::Validate() const {
  RLAB_CHECK(obs_dim >= 1 && action_dim >= 1,
             "reward ensemble: obs_dim and action_dim must be >= 1, got {} and {}", obs_dim,
             action_dim);
  RLAB_CHECK(members >= 1, "reward ensemble: members must be >= 1, got {}", members);
  RLAB_CHECK(activation == "relu" || activation == "tanh",
             "reward ensemble: activation must be relu or tanh, got '{}'", activation);
}

SegmentBatch SegmentBatch::Index(const torch::Tensor& index) const {
  return {obs.index_select(0, index), actions.index_select(0, index),
          next_obs.defined() ? next_obs.index_select(0, index) : torch::Tensor(),
          absorbing.defined() ? absorbing.index_select(0, index) : torch::Tensor()};
}

PreferencePairs PreferencePairs::Index(const torch::Tensor& index) const {
  return {first.Index(index), second.Index(index), labels.index_select(0, index)};
}

RewardEnsembleImpl::RewardEnsembleImpl(const RewardEnsembleOptions& options) : options_(options) {
  options_.Validate();
  for (int64_t m = 0; m < options_.members; ++m) {
    members_.push_back(register_module(
        "member" + std::to_string(m),
        models::Mlp(options_.input_dim(), options_.hidden, 1, options_.activation)));
  }
  normalization_ = register_buffer("normalization", torch::tensor({0.0f, 1.0f}));
}

torch::Tensor RewardEnsembleImpl::Features(const torch::Tensor& obs, const torch::Tensor& actions,
                                           const torch::Tensor& next_obs) const {
  RLAB_CHECK(obs.size(-1) == options_.obs_dim && actions.size(-1) == options_.action_dim,
             "reward ensemble: expected obs [..., {}] and actions [..., {}], got {} and {}",
             options_.obs_dim, options_.action_dim, obs.sizes(), actions.sizes());
  if (!options_.use_next_obs) return torch::cat({obs, actions}, -1);
  RLAB_CHECK(next_obs.defined() && next_obs.sizes() == obs.sizes(),
             "reward ensemble over (s, a, s'): next_obs must have obs's shape {}, got {}",
             obs.sizes(), next_obs.defined() ? fmt::format("{}", next_obs.sizes()) : "none");
  return torch::cat({obs, actions, next_obs}, -1);
}

torch::Tensor RewardEnsembleImpl::MemberForward(int64_t m, const torch::Tensor& features) {
  RLAB_CHECK(m >= 0 && m < options_.members, "reward ensemble: no member {} (it has {})", m,
             options_.members);
  const auto lead = features.sizes().slice(0, features.dim() - 1);
  torch::Tensor r = members_[m]->forward(features.reshape({-1, options_.input_dim()}));  // [B, 1]
  if (options_.tanh_output) r = torch::tanh(r);
  return r.reshape(lead);
}

torch::Tensor RewardEnsembleImpl::MemberSegmentReturn(int64_t m,
                                                      const torch::Tensor& segment_features) {
  return MemberForward(m, segment_features).sum(1);  // [N, H] -> [N]
}

torch::Tensor RewardEnsembleImpl::MemberRewards(const torch::Tensor& obs,
                                                const torch::Tensor& actions,
                                                const torch::Tensor& next_obs) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = Features(obs, actions, next_obs);  // [B, in]
  std::vector<torch::Tensor> out;
  for (int64_t m = 0; m < options_.members; ++m) out.push_back(MemberForward(m, x));
  return torch::stack(out);  // [M, B]
}

torch::Tensor RewardEnsembleImpl::Reward(const torch::Tensor& obs, const torch::Tensor& actions,
                                         const torch::Tensor& next_obs, bool normalized) {
  const torch::Tensor mean = MemberRewards(obs, actions, next_obs).mean(0);  // [B]
  if (!normalized) return mean;
  return (mean - normalization_[0]) / normalization_[1];
}

void RewardEnsembleImpl::CheckSegments(const SegmentBatch& s, const char* what) const {
  RLAB_CHECK(s.obs.dim() == 3 && s.actions.dim() == 3 && s.obs.size(0) == s.actions.size(0) &&
                 s.obs.size(1) == s.actions.size(1),
             "reward ensemble: {} segments must be obs [N, H, {}] and actions [N, H, {}], got {} "
             "and {}",
             what, options_.obs_dim, options_.action_dim, s.obs.sizes(), s.actions.sizes());
}

torch::Tensor RewardEnsembleImpl::MemberSegmentReturns(const SegmentBatch& segments) {
  CheckSegments(segments, "the");
  torch::NoGradGuard no_grad;
  const torch::Tensor x = Features(segments.obs, segments.actions, segments.next_obs);  // [N,H,in]
  std::vector<torch::Tensor> out;
  for (int64_t m = 0; m < options_.members; ++m) out.push_back(MemberSegmentReturn(m, x));
  return torch::stack(out);  // [M, N]
}

torch::Tensor RewardEnsembleImpl::MemberPreferenceProbabilities(const SegmentBatch& first,
                                                                const SegmentBatch& second) {
  CheckSegments(first, "first");
  CheckSegments(second, "second");
  RLAB_CHECK(first.size() == second.size(),
             "reward ensemble: {} first segments but {} second segments", first.size(),
             second.size());
  return torch::sigmoid(MemberSegmentReturns(first) - MemberSegmentReturns(second));  // [M, N]
}

double RewardEnsembleImpl::Accuracy(const PreferencePairs& pairs) {
  const torch::Tensor r1 = MemberSegmentReturns(pairs.first).mean(0);   // [N]
  const torch::Tensor r2 = MemberSegmentReturns(pairs.second).mean(0);  // [N]
  const torch::Tensor labels = pairs.labels.to(torch::kFloat);          // [N]
  const torch::Tensor decided = labels != 0.5f;
  const int64_t counted = decided.sum().item<int64_t>();
  if (counted == 0) return 0.0;
  const torch::Tensor predicted_second = (r2 > r1).to(torch::kFloat);
  const torch::Tensor correct = (predicted_second == labels) & decided;
  return static_cast<double>(correct.sum().item<int64_t>()) / static_cast<double>(counted);
}

void RewardEnsembleImpl::FitNormalization(const torch::Tensor& obs, const torch::Tensor& actions,
                                          const torch::Tensor& next_obs) {
  RLAB_CHECK(obs.dim() == 2 && obs.size(0) >= 2,
             "reward ensemble: fitting the normalisation needs at least 2 transitions [B, {}], "
             "got {}",
             options_.obs_dim, obs.sizes());
  const torch::Tensor r = Reward(obs, actions, next_obs, /*normalized=*/false).to(torch::kDouble);
  const double mean = r.mean().item<double>();
  const double std = r.std(/*unbiased=*/false).item<double>();
  torch::NoGradGuard no_grad;
  normalization_[0] = static_cast<float>(mean);
  normalization_[1] = static_cast<float>(std::max(std, 1e-6));
}

double RewardEnsembleImpl::normalization_mean() const { return normalization_[0].item<double>(); }
double RewardEnsembleImpl::normalization_std() const { return normalization_[1].item<double>(); }

std::vector<torch::Tensor> RewardEnsembleImpl::MemberParameters(int64_t m) const {
  return members_.at(m)->parameters();
}

}  // namespace rlab::reward
