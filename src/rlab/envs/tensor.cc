#include "rlab/envs/tensor.h"

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::envs {

namespace {
template <class T>
torch::Tensor View(const std::vector<T>& v, std::vector<int64_t> shape, torch::Dtype dtype) {
  return torch::from_blob(const_cast<T*>(v.data()), shape, torch::TensorOptions().dtype(dtype));
}

// A contiguous float32 CPU copy (or the tensor itself when it already is one) with `numel`
// elements.
torch::Tensor FloatRows(const torch::Tensor& t, int64_t numel, const char* what,
                        const std::string& env, const std::string& expected) {
  RLAB_CHECK(t.defined() && t.numel() == numel, "{}: {} has shape {}; expected {}", env, what,
             t.defined() ? t.sizes() : c10::IntArrayRef{}, expected);
  return t.to(torch::kCPU, torch::kFloat32).contiguous();
}
}  // namespace

StepTensors StepTensors::Clone() const {
  return {observations.clone(),    next_observations.clone(), rewards.clone(),
          terminated.clone(),      truncated.clone(),         done.clone(),
          episode_returns.clone(), episode_lengths.clone()};
}

StepTensors ViewTensors(const StepBuffers& b) {
  const int64_t n = b.num_envs, d = b.obs_dim;
  return {View(b.observations, {n, d}, torch::kFloat32),
          View(b.next_observations, {n, d}, torch::kFloat32),
          View(b.rewards, {n}, torch::kFloat32),
          View(b.terminated, {n}, torch::kBool),
          View(b.truncated, {n}, torch::kBool),
          View(b.done, {n}, torch::kBool),
          View(b.episode_returns, {n}, torch::kFloat64),
          View(b.episode_lengths, {n}, torch::kInt64)};
}

StepTensors Step(VectorEnv& env, const torch::Tensor& actions) {
  const int64_t n = env.num_envs(), a = env.action_dim();
  if (env.action_space().is_discrete() && !actions.is_floating_point()) {
    RLAB_CHECK(actions.numel() == n, "{}: actions have shape {}; expected [{}] indices", env.name(),
               actions.sizes(), n);
    const torch::Tensor idx = actions.to(torch::kCPU, torch::kInt64).contiguous();
    return ViewTensors(env.Step(std::span<const int64_t>(idx.data_ptr<int64_t>(), n)));
  }
  const torch::Tensor values =
      FloatRows(actions, n * a, "actions", env.name(), fmt::format("[{}, {}]", n, a));
  return ViewTensors(env.Step(std::span<const float>(values.data_ptr<float>(), n * a)));
}

torch::Tensor Reward(const VectorEnv& env, const torch::Tensor& obs, const torch::Tensor& actions,
                     const torch::Tensor& next_obs) {
  RLAB_CHECK(obs.dim() == 2 && obs.size(1) == env.obs_dim(),
             "{}: obs has shape {}; expected [B, {}]", env.name(), obs.sizes(), env.obs_dim());
  const int64_t b = obs.size(0), d = env.obs_dim(), a = env.action_dim();
  const std::string obs_shape = fmt::format("[{}, {}]", b, d);
  const torch::Tensor s = FloatRows(obs, b * d, "obs", env.name(), obs_shape);
  const torch::Tensor s2 = FloatRows(next_obs, b * d, "next_obs", env.name(), obs_shape);
  const torch::Tensor u =
      FloatRows(actions, b * a, "actions", env.name(), fmt::format("[{}, {}]", b, a));
  torch::Tensor r = torch::empty({b}, torch::kFloat32);  // [B]
  env.Reward(std::span<const float>(s.data_ptr<float>(), b * d),
             std::span<const float>(u.data_ptr<float>(), b * a),
             std::span<const float>(s2.data_ptr<float>(), b * d),
             std::span<float>(r.data_ptr<float>(), b));
  return r.to(obs.device());
}

}  // namespace rlab::envs
