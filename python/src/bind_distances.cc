// rewardlab._core.distances (see bindings.h for the conventions): EPIC and STARC between
// rewards given as Python callables or reward specs, estimated from samples (an environment's
// random-policy rollouts, a finite MDP's distributions, or samples the caller gives), and the
// exact distances between tabulated rewards [S, A, S].
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "bindings.h"
#include "distances_reward_fn.h"
#include "rlab/core/check.h"
#include "rlab/envs/registry.h"
#include "rlab/eval/epic.h"
#include "rlab/eval/epic_sampled.h"
#include "rlab/eval/epic_samples.h"
#include "rlab/eval/starc.h"
#include "rlab/reward/signal/reward_specs.h"

namespace rewardlab_python {

namespace distances_binding {

namespace eval = rlab::eval;
namespace reward = rlab::reward;

using SampleTuple =
    std::tuple<torch::Tensor, torch::Tensor, torch::Tensor, torch::Tensor, torch::Tensor>;

// (obs, actions, next_obs, state_samples, action_samples), the order of distances.EpicSamples.
SampleTuple ToTuple(const eval::EpicSamples& s) {
  return {s.coverage.obs, s.coverage.actions, s.coverage.next_obs, s.states, s.actions};
}

eval::EpicSamples FromTuple(const SampleTuple& t) {
  const auto as_float = [](const torch::Tensor& x) {
    RLAB_CHECK(x.defined(), "EPIC samples must all be tensors");
    return x.to(torch::kCPU, torch::kFloat).contiguous();
  };
  eval::EpicSamples s;
  s.coverage = {as_float(std::get<0>(t)), as_float(std::get<1>(t)), as_float(std::get<2>(t))};
  s.states = as_float(std::get<3>(t));
  s.actions = as_float(std::get<4>(t));
  s.Validate();
  return s;
}

// A reward given as a callable, or as a spec ('true', 'negated', 'shaped(...)', ...) that
// needs the environment `env` (a registered id) to be built against.
reward::RewardPtr MakeRewardFn(const py::object& given, const std::string& env, double gamma) {
  if (!py::isinstance<py::str>(given)) return std::make_shared<PyRewardFn>(given);
  const std::string spec = given.cast<std::string>();
  RLAB_CHECK(!env.empty(),
             "the reward spec '{}' needs an environment to be built against; pass env=... (or "
             "give the reward as a callable)",
             spec);
  rlab::envs::RegisterBuiltins();
  reward::RegisterBuiltins();
  std::shared_ptr<const rlab::envs::VectorEnv> made = rlab::envs::Make(env, 1, 0);
  reward::RewardSpecContext context;
  context.true_reward = [made] { return std::make_shared<reward::EnvReward>(made); };
  context.obs_dim = made->obs_dim();
  context.action_dim = made->action_dim();
  context.gamma = gamma;
  return reward::MakeReward(spec, context);
}

// (distance, a constant up to shaping, b constant up to shaping).
std::tuple<double, bool, bool> SampledDistance(const std::string& metric,
                                               const py::object& reward_a,
                                               const py::object& reward_b,
                                               const SampleTuple& samples, double gamma,
                                               const std::string& env) {
  RLAB_CHECK(metric == "epic" || metric == "starc", "metric must be epic or starc, got '{}'",
             metric);
  const eval::EpicSamples s = FromTuple(samples);
  const eval::SampledEpicOptions options{.gamma = gamma};
  options.Validate();
  reward::RewardPtr a = MakeRewardFn(reward_a, env, gamma);
  reward::RewardPtr b = MakeRewardFn(reward_b, env, gamma);
  std::tuple<double, bool, bool> out;
  {
    py::gil_scoped_release release;
    const eval::SampledCanonical ca = eval::SampledEpicCanonicalise(*a, s, options);
    const eval::SampledCanonical cb = eval::SampledEpicCanonicalise(*b, s, options);
    const double d =
        metric == "epic" ? eval::SampledEpicDistance(ca, cb) : eval::SampledStarcDistance(ca, cb);
    out = {d, ca.constant, cb.constant};
  }
  return out;
}

eval::StarcCanonicalisation ParseCanonicalisation(const std::string& name) {
  if (name == "epic") return eval::StarcCanonicalisation::kEpic;
  if (name == "val") return eval::StarcCanonicalisation::kValueAdjustedLevelling;
  if (name == "val_pointwise") return eval::StarcCanonicalisation::kValueAdjustedLevellingPointwise;
  RLAB_FAIL("STARC canonicalisation must be epic, val or val_pointwise, got '{}'", name);
}

torch::Tensor OrUndefined(const std::optional<torch::Tensor>& t) {
  return t ? *t : torch::Tensor();
}

void Bind(py::module_& m) {
  m.def(
      "sample_env",
      [](const std::string& env, int64_t num_transitions, int64_t num_samples, int64_t num_envs,
         uint64_t seed) {
        rlab::envs::RegisterBuiltins();
        const eval::SampleOptions options{.num_transitions = num_transitions,
                                          .num_samples = num_samples,
                                          .num_envs = num_envs,
                                          .seed = seed};
        py::gil_scoped_release release;
        return ToTuple(eval::SampleEnvTransitions(env, options));
      },
      py::arg("env"), py::arg("num_transitions"), py::arg("num_samples"), py::arg("num_envs"),
      py::arg("seed"),
      "EPIC samples from a uniformly random policy's rollouts in a registered environment: "
      "(obs [N, D], actions [N, A], next_obs [N, D], state_samples [M, D], action_samples "
      "[M, A]).");
  m.def(
      "sample_mdp",
      [](const torch::Tensor& coverage, const torch::Tensor& state_dist,
         const torch::Tensor& action_dist, int64_t num_transitions, int64_t num_samples,
         uint64_t seed) {
        const eval::SampleOptions options{
            .num_transitions = num_transitions, .num_samples = num_samples, .seed = seed};
        py::gil_scoped_release release;
        return ToTuple(eval::SampleMdpTransitions(coverage, state_dist, action_dist, options));
      },
      py::arg("coverage"), py::arg("state_dist"), py::arg("action_dist"),
      py::arg("num_transitions"), py::arg("num_samples"), py::arg("seed"),
      "EPIC samples of a finite MDP as index rows: transitions from coverage [S, A, S], states "
      "from state_dist [S], actions from action_dist [A].");
  m.def("sampled_distance", &SampledDistance, py::arg("metric"), py::arg("reward_a"),
        py::arg("reward_b"), py::arg("samples"), py::arg("gamma"), py::arg("env") = "",
        "The sample-based EPIC or STARC distance of two rewards (callables r(obs, actions, "
        "next_obs) -> [B], or reward specs on `env`): (distance, a is constant up to shaping, b "
        "is constant up to shaping).");
  m.def(
      "epic_tabular",
      [](const torch::Tensor& r1, const torch::Tensor& r2, double gamma,
         const std::optional<torch::Tensor>& state_dist,
         const std::optional<torch::Tensor>& action_dist,
         const std::optional<torch::Tensor>& coverage) {
        const eval::EpicOptions options{.gamma = gamma,
                                        .state_dist = OrUndefined(state_dist),
                                        .action_dist = OrUndefined(action_dist),
                                        .coverage = OrUndefined(coverage)};
        py::gil_scoped_release release;
        return eval::EpicDistance(r1, r2, options);
      },
      py::arg("rewards1"), py::arg("rewards2"), py::arg("gamma"), py::arg("state_dist"),
      py::arg("action_dist"), py::arg("coverage"),
      "The exact EPIC distance of two tabulated rewards [S, A, S].");
  m.def(
      "starc_tabular",
      [](const torch::Tensor& r1, const torch::Tensor& r2, const std::string& canonicalisation,
         double gamma, const std::optional<torch::Tensor>& transitions,
         const std::optional<torch::Tensor>& policy, const std::optional<torch::Tensor>& state_dist,
         const std::optional<torch::Tensor>& action_dist,
         const std::optional<torch::Tensor>& norm_weights) {
        const eval::StarcOptions options{
            .canonicalisation = ParseCanonicalisation(canonicalisation),
            .gamma = gamma,
            .transitions = OrUndefined(transitions),
            .policy = OrUndefined(policy),
            .state_dist = OrUndefined(state_dist),
            .action_dist = OrUndefined(action_dist),
            .norm_weights = OrUndefined(norm_weights)};
        py::gil_scoped_release release;
        return eval::StarcDistance(r1, r2, options);
      },
      py::arg("rewards1"), py::arg("rewards2"), py::arg("canonicalisation"), py::arg("gamma"),
      py::arg("transitions"), py::arg("policy"), py::arg("state_dist"), py::arg("action_dist"),
      py::arg("norm_weights"), "The exact STARC distance of two tabulated rewards [S, A, S].");
}

}  // namespace distances_binding

void BindDistances(py::module_& m) { distances_binding::Bind(m); }

}  // namespace rewardlab_python
