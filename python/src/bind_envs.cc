// rewardlab._core.envs (see bindings.h for the conventions): rlab's vector environments with
// Gymnasium's calls, as numpy arrays (float32 observations), and the teachers (envs_teachers.cc).
//
// Two classes over one rlab::envs::VectorEnv each:
//   VectorEnv(spec, num_envs, seed)  Gymnasium's vector API; rlab's automatic reset in the same
//                                    step (Gymnasium's AutoresetMode.SAME_STEP), the finished
//                                    episode's last observation in infos["final_obs"];
//   Env(spec, seed)                  Gymnasium's single-environment API: step returns the
//                                    episode's last observation and wants reset() after it.
// Env is a VectorEnv of one environment whose automatic reset is handed out by the next
// reset() without a seed, so episode k of Env(spec, s) is episode k of VectorEnv(spec, 1, s).
// Each step copies the few floats of the step into fresh arrays (a user may keep them), in one
// crossing: no tensor or Python object is made per element.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bindings.h"
#include "envs_teachers.h"
#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/envs/registry.h"
#include "rlab/envs/vector_env.h"

namespace rewardlab_python {

namespace envs_binding {

using rlab::envs::Space;
using rlab::envs::StepBuffers;
using rlab::envs::VectorEnv;

// A fresh numpy array of `shape` holding a copy of `values`.
template <class T, class Source>
py::array_t<T> CopyArray(const std::vector<Source>& values, std::vector<py::ssize_t> shape) {
  static_assert(sizeof(T) == sizeof(Source));
  py::array_t<T> out(std::move(shape));
  std::memcpy(out.mutable_data(), values.data(), values.size() * sizeof(T));
  return out;
}

// A space as the plain fields envs.py builds its Box and Discrete from.
py::dict SpaceFields(const Space& space) {
  py::dict out;
  out["discrete"] = space.is_discrete();
  out["n"] = space.n();
  out["shape"] = py::tuple(py::cast(space.shape()));
  out["low"] = space.low();
  out["high"] = space.high();
  out["text"] = space.ToString();
  return out;
}

// Releases the GIL for the step of a large vector; a few environments step in less time than
// the release and re-acquisition take.
class ReleaseIfLong {
 public:
  explicit ReleaseIfLong(const VectorEnv& env) {
    if (env.num_envs() >= kLongStepEnvs) release_.emplace();
  }

 private:
  static constexpr int64_t kLongStepEnvs = 64;
  std::optional<py::gil_scoped_release> release_;
};

// Steps `env` with actions given as any array-like (numpy array, torch tensor on the CPU,
// list, number): whole-number dtypes as indices, the rest as floats (VectorEnv::Step checks the
// count, the range and, for a discrete space, that floats are whole numbers).
const StepBuffers& StepWith(VectorEnv& env, const py::handle& actions) {
  py::array array = py::array::ensure(actions);
  RLAB_CHECK(array, "{}: actions must be a number, a numpy array or a CPU tensor, got {}",
             env.name(), std::string(py::str(py::type::of(actions))));
  const char kind = array.dtype().kind();
  if (env.action_space().is_discrete() && (kind == 'i' || kind == 'u' || kind == 'b')) {
    auto indices = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(array);
    const std::span<const int64_t> view(indices.data(), indices.size());
    const ReleaseIfLong release(env);
    return env.Step(view);
  }
  auto values = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array);
  RLAB_CHECK(values, "{}: actions of dtype {} do not convert to numbers", env.name(),
             std::string(py::str(array.dtype())));
  const std::span<const float> view(values.data(), values.size());
  const ReleaseIfLong release(env);
  return env.Step(view);
}

std::unique_ptr<VectorEnv> MakeEnv(const std::string& spec, int64_t num_envs, uint64_t seed) {
  rlab::envs::RegisterBuiltins();
  return rlab::envs::Make(spec, num_envs, seed);
}

// Gymnasium's vector API over one rlab vector environment.
class PyVectorEnv {
 public:
  PyVectorEnv(const std::string& spec, int64_t num_envs, uint64_t seed)
      : env_(MakeEnv(spec, num_envs, seed)) {}

  VectorEnv& env() { return *env_; }

  py::tuple Reset(std::optional<uint64_t> seed) {
    const StepBuffers& b = env_->Reset(seed);
    return py::make_tuple(Observations(b.observations), py::dict());
  }

  py::tuple Step(const py::handle& actions) {
    const StepBuffers& b = StepWith(*env_, actions);
    const int64_t n = env_->num_envs();
    py::array_t<double> rewards(n);  // Gymnasium's vector rewards are float64
    double* r = rewards.mutable_data();
    bool any_done = false;
    for (int64_t i = 0; i < n; ++i) {
      r[i] = b.rewards[i];
      any_done = any_done || b.done[i];
    }
    py::dict infos;
    if (any_done) AddFinalInfos(b, infos);
    return py::make_tuple(Observations(b.observations), std::move(rewards),
                          CopyArray<bool>(b.terminated, {n}), CopyArray<bool>(b.truncated, {n}),
                          std::move(infos));
  }

  // Runs `actions` [T, N] (or [T, N, A]) through the environment in C++ with no crossing per
  // step, from a reset with `seed`: the reference the Python loop is checked and timed against.
  // Returns observations [T + 1, N, D] (each step's, after any reset), next_observations,
  // rewards, terminated and truncated [T, N ...].
  py::dict Rollout(const torch::Tensor& actions, uint64_t seed) {
    const bool discrete = env_->action_space().is_discrete();
    const int64_t n = env_->num_envs(), d = env_->obs_dim(), a = env_->action_dim();
    RLAB_CHECK(actions.dim() >= 2 && actions.size(1) == n,
               "{}: rollout actions must be [T, {}{}], got {}", env_->name(), n,
               discrete ? "" : fmt::format(", {}", a), actions.sizes());
    const int64_t steps = actions.size(0);
    const torch::Tensor flat = discrete ? actions.to(torch::kLong).contiguous()
                                        : actions.to(torch::kFloat).contiguous();  // [T, N(, A)]
    torch::Tensor obs = torch::empty({steps + 1, n, d});
    torch::Tensor next = torch::empty({steps, n, d});
    torch::Tensor rewards = torch::empty({steps, n});
    torch::Tensor terminated = torch::empty({steps, n}, torch::kBool);
    torch::Tensor truncated = torch::empty({steps, n}, torch::kBool);
    const int64_t* indices = discrete ? flat.data_ptr<int64_t>() : nullptr;
    const float* values = discrete ? nullptr : flat.data_ptr<float>();
    float* o = obs.data_ptr<float>();
    float* s = next.data_ptr<float>();
    float* r = rewards.data_ptr<float>();
    bool* term = terminated.data_ptr<bool>();
    bool* trunc = truncated.data_ptr<bool>();
    {
      py::gil_scoped_release release;
      const StepBuffers* b = &env_->Reset(seed);
      std::memcpy(o, b->observations.data(), n * d * sizeof(float));
      for (int64_t t = 0; t < steps; ++t) {
        b = discrete ? &env_->Step(std::span<const int64_t>(indices + t * n, n))
                     : &env_->Step(std::span<const float>(values + t * n * a, n * a));
        std::memcpy(o + (t + 1) * n * d, b->observations.data(), n * d * sizeof(float));
        std::memcpy(s + t * n * d, b->next_observations.data(), n * d * sizeof(float));
        std::memcpy(r + t * n, b->rewards.data(), n * sizeof(float));
        std::memcpy(term + t * n, b->terminated.data(), n);
        std::memcpy(trunc + t * n, b->truncated.data(), n);
      }
    }
    py::dict out;
    out["observations"] = obs;
    out["next_observations"] = next;
    out["rewards"] = rewards;
    out["terminated"] = terminated;
    out["truncated"] = truncated;
    return out;
  }

  // The environment's true reward r(s, a, s') of B transitions: obs, next_obs [B, D], actions
  // [B, A] or [B]   -> float32 [B].
  torch::Tensor Reward(const torch::Tensor& obs, const torch::Tensor& actions,
                       const torch::Tensor& next_obs) {
    const int64_t b = obs.dim() > 0 ? obs.size(0) : 0;
    const torch::Tensor o = obs.to(torch::kFloat).contiguous();
    const torch::Tensor a = actions.to(torch::kFloat).reshape({b, -1}).contiguous();
    const torch::Tensor s = next_obs.to(torch::kFloat).contiguous();
    torch::Tensor out = torch::empty({b});
    py::gil_scoped_release release;
    env_->Reward(std::span<const float>(o.data_ptr<float>(), o.numel()),
                 std::span<const float>(a.data_ptr<float>(), a.numel()),
                 std::span<const float>(s.data_ptr<float>(), s.numel()),
                 std::span<float>(out.data_ptr<float>(), b));
    return out;
  }

 private:
  py::array_t<float> Observations(const std::vector<float>& rows) const {
    return CopyArray<float>(rows, {env_->num_envs(), env_->obs_dim()});
  }

  // Gymnasium's SAME_STEP infos, where some environment finished: final_obs [N, D] (rows valid
  // where _final_obs), final_info, and RecordEpisodeStatistics' episode {r, l} with _episode.
  void AddFinalInfos(const StepBuffers& b, py::dict& infos) const {
    const int64_t n = env_->num_envs();
    const py::array_t<bool> mask = CopyArray<bool>(b.done, {n});
    infos["final_obs"] = Observations(b.next_observations);
    infos["_final_obs"] = mask;
    infos["final_info"] = py::dict();
    infos["_final_info"] = mask;
    py::dict episode;
    episode["r"] = CopyArray<double>(b.episode_returns, {n});
    episode["l"] = CopyArray<int64_t>(b.episode_lengths, {n});
    infos["episode"] = std::move(episode);
    infos["_episode"] = mask;
  }

  std::unique_ptr<VectorEnv> env_;
};

// Gymnasium's single-environment API over a vector of one.
class PyEnv {
 public:
  PyEnv(const std::string& spec, uint64_t seed) : env_(MakeEnv(spec, 1, seed)) {}

  VectorEnv& env() { return *env_; }

  py::tuple Reset(std::optional<uint64_t> seed) {
    // After an episode's end the vector has already reset this environment; hand that reset
    // out unless a seed asks for a new one.
    const StepBuffers& b = !seed && state_ == State::kEnded ? env_->last() : env_->Reset(seed);
    state_ = State::kRunning;
    return py::make_tuple(Observation(b.observations), py::dict());
  }

  py::tuple Step(const py::handle& action) {
    RLAB_CHECK(state_ != State::kNotReset, "{}: call reset() before the first step()",
               env_->name());
    RLAB_CHECK(state_ != State::kEnded,
               "{}: the episode has ended (terminated or truncated); call reset() before step()",
               env_->name());
    const StepBuffers& b = StepWith(*env_, action);
    if (b.done[0]) state_ = State::kEnded;
    // The step's own observation: before the vector's automatic reset.
    return py::make_tuple(Observation(b.next_observations), static_cast<double>(b.rewards[0]),
                          static_cast<bool>(b.terminated[0]), static_cast<bool>(b.truncated[0]),
                          py::dict());
  }

 private:
  enum class State { kNotReset, kRunning, kEnded };

  py::array_t<float> Observation(const std::vector<float>& row) const {
    return CopyArray<float>(row, {env_->obs_dim()});
  }

  std::unique_ptr<VectorEnv> env_;
  State state_ = State::kNotReset;
};

// The attributes both classes share.
template <class Class>
void BindCommon(py::class_<Class>& c) {
  c.def_property_readonly(
       "spec_name", [](Class& e) { return e.env().name(); }, "the environment's id")
      .def_property_readonly(
          "max_episode_steps", [](Class& e) { return e.env().max_episode_steps(); },
          "the time limit: an episode is truncated after this many steps")
      .def_property_readonly(
          "observation_space_fields",
          [](Class& e) { return SpaceFields(e.env().observation_space()); },
          "the observation space of one environment as plain fields")
      .def_property_readonly(
          "action_space_fields", [](Class& e) { return SpaceFields(e.env().action_space()); },
          "the action space of one environment as plain fields");
}

void Bind(py::module_& m) {
  m.def(
      "registered",
      [] {
        rlab::envs::RegisterBuiltins();
        return rlab::envs::Envs().List();
      },
      "The ids of the registered environments.");
  m.def(
      "env_seed", [](uint64_t base, int64_t index) { return rlab::envs::EnvSeed(base, index); },
      py::arg("base"), py::arg("index"),
      "The generator seed of environment `index` in a vector seeded with `base`.");

  py::class_<PyVectorEnv> vector(m, "VectorEnv",
                                 "num_envs copies of one environment stepped together "
                                 "(rewardlab.envs.make_vec wraps it)");
  vector
      .def(py::init<const std::string&, int64_t, uint64_t>(), py::arg("spec"), py::arg("num_envs"),
           py::arg("seed"))
      .def_property_readonly(
          "num_envs", [](PyVectorEnv& e) { return e.env().num_envs(); },
          "the number of environments")
      .def("_reset", &PyVectorEnv::Reset, py::arg("seed") = py::none(),
           "Starts a new episode everywhere: (observations float32 [N, D], infos {}). With a "
           "seed, environment i is reseeded from seed + i.")
      .def("step", &PyVectorEnv::Step, py::arg("actions"),
           "Steps every environment: (observations float32 [N, D], rewards float64 [N], "
           "terminated bool [N], truncated bool [N], infos). An environment whose episode ends "
           "is reset in the same step (Gymnasium's AutoresetMode.SAME_STEP): its row of "
           "observations starts the next episode, infos['final_obs'][i] holds the last "
           "observation of the finished one where infos['_final_obs'][i], and "
           "infos['episode'] its return 'r' and length 'l' where infos['_episode'][i].")
      .def("rollout", &PyVectorEnv::Rollout, py::arg("actions"), py::arg("seed"),
           "Resets with `seed` and runs actions [T, N] (a box: [T, N, A]) in C++ with no "
           "crossing per step; returns a dict of tensors: observations [T + 1, N, D], "
           "next_observations [T, N, D], rewards, terminated, truncated [T, N].")
      .def("reward", &PyVectorEnv::Reward, py::arg("obs"), py::arg("actions"), py::arg("next_obs"),
           "The environment's true reward r(s, a, s') of B transitions: obs and next_obs "
           "[B, D], actions [B, A] or [B]; returns float32 [B].");
  BindCommon(vector);

  py::class_<PyEnv> single(m, "Env",
                           "One environment with Gymnasium's API (rewardlab.envs.make wraps it)");
  single.def(py::init<const std::string&, uint64_t>(), py::arg("spec"), py::arg("seed"))
      .def("_reset", &PyEnv::Reset, py::arg("seed") = py::none(),
           "Starts a new episode: (observation float32 [D], info {}).")
      .def("step", &PyEnv::Step, py::arg("action"),
           "Steps the environment: (observation float32 [D], reward float, terminated bool, "
           "truncated bool, info {}). After terminated or truncated, call reset().");
  BindCommon(single);

  BindTeachers(m);
}

}  // namespace envs_binding

void BindEnvs(py::module_& m) { envs_binding::Bind(m); }

}  // namespace rewardlab_python
