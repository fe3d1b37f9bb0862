// Properties every registered environment must have: determinism from the seed, step buffers
// of the declared shapes with finite values, bounded observations, environment i of a vector
// replaying a single environment (the batch invariance of a vector), Gymnasium's time limits
// and automatic reset, a true-reward function that agrees with Step, and errors that list the
// valid names and keys. Environments compute no gradients and take float actions, so the
// double-precision gradient property of the other conformance suites has no counterpart here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "registry_conformance.h"
#include "rlab/envs/registry.h"

namespace rlab::envs {
namespace {

std::vector<std::string> AllEnvironments() {
  RegisterBuiltins();
  return Envs().List();
}

// Random actions [N, A]: valid indices for a discrete space; for a box, values reaching a
// quarter of the range past each bound (the dynamics clip them).
std::vector<float> RandomActions(const VectorEnv& env, Rng& rng) {
  const Space& space = env.action_space();
  std::vector<float> actions(env.num_envs() * env.action_dim());
  for (size_t i = 0; i < actions.size(); ++i) {
    if (space.is_discrete()) {
      actions[i] = static_cast<float>(rng.UniformInt(space.n()));
    } else {
      const size_t k = i % space.low().size();
      const double lo = space.low()[k], hi = space.high()[k], margin = 0.25 * (hi - lo);
      actions[i] = static_cast<float>(rng.Uniform(lo - margin, hi + margin));
    }
  }
  return actions;
}

// Everything the environment returned over `steps` steps after Reset, concatenated.
struct Trajectory {
  std::vector<float> observations, next_observations, rewards;
  std::vector<uint8_t> terminated, truncated;
};

Trajectory Rollout(VectorEnv& env, int steps, uint64_t action_seed) {
  Rng rng(action_seed);
  Trajectory t;
  const StepBuffers& first = env.Reset();
  t.observations = first.observations;
  for (int step = 0; step < steps; ++step) {
    const StepBuffers& b = env.Step(RandomActions(env, rng));
    t.observations.insert(t.observations.end(), b.observations.begin(), b.observations.end());
    t.next_observations.insert(t.next_observations.end(), b.next_observations.begin(),
                               b.next_observations.end());
    t.rewards.insert(t.rewards.end(), b.rewards.begin(), b.rewards.end());
    t.terminated.insert(t.terminated.end(), b.terminated.begin(), b.terminated.end());
    t.truncated.insert(t.truncated.end(), b.truncated.begin(), b.truncated.end());
  }
  return t;
}

std::span<const float> Row(const std::vector<float>& rows, int64_t i, int64_t width) {
  return std::span<const float>(rows).subspan(i * width, width);
}

// Checks, step by step, that truncation happens exactly at the time limit and that the
// episode statistics of finished episodes add up.
void CheckEpisodeAccounting(VectorEnv& env, int steps, uint64_t action_seed) {
  Rng rng(action_seed);
  const int64_t n = env.num_envs(), limit = env.max_episode_steps();
  std::vector<int64_t> length(n, 0);
  std::vector<double> ret(n, 0.0);
  int64_t finished = 0;
  env.Reset();
  for (int step = 0; step < steps; ++step) {
    const StepBuffers& b = env.Step(RandomActions(env, rng));
    for (int64_t i = 0; i < n; ++i) {
      ++length[i];
      ret[i] += b.rewards[i];
      ASSERT_LE(length[i], limit) << env.name() << " env " << i;
      EXPECT_EQ(b.truncated[i], length[i] == limit) << env.name() << " env " << i;
      EXPECT_EQ(b.done[i], b.terminated[i] || b.truncated[i]);
      if (b.done[i]) {
        EXPECT_EQ(b.episode_lengths[i], length[i]);
        EXPECT_NEAR(b.episode_returns[i], ret[i], 1e-3 * (1 + std::abs(ret[i])));
        length[i] = 0;
        ret[i] = 0.0;
        ++finished;
      }
    }
  }
  EXPECT_GT(finished, 0) << env.name() << ": no episode finished in " << steps << " steps";
}

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<VectorEnv> MakeEnv(int64_t n, uint64_t seed, const std::string& keys = "") {
    return Make(keys.empty() ? GetParam() : GetParam() + "(" + keys + ")", n, seed);
  }
};

TEST_P(Conformance, SameSeedGivesTheSameTrajectory) {
  auto a = MakeEnv(4, 11);
  auto b = MakeEnv(4, 11);
  const Trajectory ta = Rollout(*a, 300, 5), tb = Rollout(*b, 300, 5);
  EXPECT_EQ(ta.observations, tb.observations);
  EXPECT_EQ(ta.next_observations, tb.next_observations);
  EXPECT_EQ(ta.rewards, tb.rewards);
  EXPECT_EQ(ta.terminated, tb.terminated);
  EXPECT_EQ(ta.truncated, tb.truncated);
  // Reset with the seed again replays from the start.
  const std::vector<float> first(ta.observations.begin(),
                                 ta.observations.begin() + 4 * a->obs_dim());
  EXPECT_EQ(a->Reset(11).observations, first);
}

TEST_P(Conformance, DifferentSeedGivesADifferentTrajectory) {
  auto a = MakeEnv(4, 11);
  auto b = MakeEnv(4, 12);
  EXPECT_NE(Rollout(*a, 20, 5).observations, Rollout(*b, 20, 5).observations);
  // Within a vector, environments differ from each other too.
  const StepBuffers& r = a->Reset(11);
  const int64_t d = a->obs_dim();
  EXPECT_FALSE(
      std::equal(r.observations.begin(), r.observations.begin() + d, r.observations.begin() + d));
}

TEST_P(Conformance, EnvironmentIReplaysASingleEnvironmentSeededWithBasePlusI) {
  auto vec = MakeEnv(3, 20);
  auto single = MakeEnv(1, 22);
  Rng rng(9);
  const int64_t d = vec->obs_dim(), a = vec->action_dim();
  vec->Reset();
  single->Reset();
  for (int step = 0; step < 200; ++step) {
    const std::vector<float> actions = RandomActions(*vec, rng);
    const StepBuffers& bv = vec->Step(actions);
    const StepBuffers& bs = single->Step(std::span<const float>(actions).subspan(2 * a, a));
    ASSERT_TRUE(
        std::equal(bs.observations.begin(), bs.observations.end(), bv.observations.begin() + 2 * d))
        << "step " << step;
    ASSERT_EQ(bs.rewards[0], bv.rewards[2]);
  }
}

TEST_P(Conformance, ObservationsStayInTheirBounds) {
  auto env = MakeEnv(8, 3);
  const Space& space = env->observation_space();
  const int64_t d = env->obs_dim();
  const Trajectory t = Rollout(*env, static_cast<int>(env->max_episode_steps()) + 20, 4);
  for (int64_t i = 0; i < static_cast<int64_t>(t.observations.size()) / d; ++i) {
    ASSERT_TRUE(space.Contains(Row(t.observations, i, d))) << "observation row " << i;
  }
  for (int64_t i = 0; i < static_cast<int64_t>(t.next_observations.size()) / d; ++i) {
    ASSERT_TRUE(space.Contains(Row(t.next_observations, i, d))) << "next observation row " << i;
  }
}

TEST_P(Conformance, UsesGymnasiumTimeLimitByDefault) {
  const std::map<std::string, int64_t> gymnasium = {{"CartPole-v1", 500},
                                                    {"Pendulum-v1", 200},
                                                    {"MountainCar-v0", 200},
                                                    {"MountainCarContinuous-v0", 999},
                                                    {"Acrobot-v1", 500}};
  auto env = MakeEnv(1, 0);
  auto it = gymnasium.find(GetParam());
  if (it == gymnasium.end()) GTEST_SKIP() << GetParam() << " has no Gymnasium counterpart";
  EXPECT_EQ(env->max_episode_steps(), it->second);
}

TEST_P(Conformance, TruncatesAtTheTimeLimit) {
  auto short_env = MakeEnv(8, 5, "max_episode_steps=7");
  EXPECT_EQ(short_env->max_episode_steps(), 7);
  CheckEpisodeAccounting(*short_env, 60, 6);
  auto env = MakeEnv(4, 5);
  CheckEpisodeAccounting(*env, static_cast<int>(env->max_episode_steps()) + 3, 6);
}

TEST_P(Conformance, AutoResetKeepsTheFinalObservationAndStartsAFreshEpisode) {
  auto env = MakeEnv(1, 8, "max_episode_steps=5");
  Rng rng(1);
  env->Reset();
  for (int step = 0; step < 5; ++step) {
    const StepBuffers& b = env->Step(RandomActions(*env, rng));
    if (!b.done[0]) {
      EXPECT_EQ(b.next_observations, b.observations) << "step " << step;
      continue;
    }
    // The episode ended: the final observation is kept apart from the fresh one, which is
    // the second reset drawn from this environment's generator.
    EXPECT_NE(b.next_observations, b.observations);
    auto fresh = MakeEnv(1, 8);
    fresh->Reset();
    EXPECT_EQ(fresh->Reset().observations, b.observations);
    // The next step continues from the fresh observation: one step into a new episode.
    const StepBuffers& after = env->Step(RandomActions(*env, rng));
    EXPECT_FALSE(after.truncated[0]);
    return;
  }
  FAIL() << "the episode did not end at max_episode_steps=5";
}

TEST_P(Conformance, TrueRewardEqualsTheRewardOfStep) {
  auto env = MakeEnv(8, 13);
  Rng rng(2);
  const int64_t n = env->num_envs();
  std::vector<float> obs, actions, next_obs, rewards;  // [B, D], [B, A], [B, D], [B]
  std::vector<float> current = env->Reset().observations;
  for (int step = 0; step < env->max_episode_steps() + 10; ++step) {
    const std::vector<float> a = RandomActions(*env, rng);
    const StepBuffers& b = env->Step(a);
    obs.insert(obs.end(), current.begin(), current.end());
    actions.insert(actions.end(), a.begin(), a.end());
    next_obs.insert(next_obs.end(), b.next_observations.begin(), b.next_observations.end());
    rewards.insert(rewards.end(), b.rewards.begin(), b.rewards.end());
    current = b.observations;
  }
  std::vector<float> recomputed(rewards.size());
  env->Reward(obs, actions, next_obs, recomputed);
  for (size_t i = 0; i < rewards.size(); ++i) {
    ASSERT_NEAR(recomputed[i], rewards[i], 1e-4 * (1 + std::abs(rewards[i])))
        << "transition " << i << " (step " << i / n << ", env " << i % n << ")";
  }
}

TEST_P(Conformance, RejectsActionsWithAClearMessage) {
  auto env = MakeEnv(2, 1);
  const auto expect_error = [](auto&& call, const std::string& needle) {
    try {
      call();
      ADD_FAILURE() << "expected an error mentioning '" << needle << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  std::vector<float> good(2 * env->action_dim(), 0.0f);
  expect_error([&] { env->Step(good); }, "call Reset()");
  env->Reset();
  expect_error([&] { env->Step(std::vector<float>(good.size() + 1, 0.0f)); }, "pass [2,");
  std::vector<float> nan = good;
  nan[0] = std::nanf("");
  expect_error([&] { env->Step(nan); }, "non-finite");
  if (env->action_space().is_discrete()) {
    expect_error(
        [&] {
          env->Step(std::vector<int64_t>{0, env->action_space().n()});
        },
        "out of range");
    expect_error([&] { env->Step(std::vector<int64_t>{0}); }, "one action per environment");
    expect_error([&] { env->Step(std::vector<float>{0.5f, 0.0f}); }, "whole number");
  } else {
    expect_error([&] { env->Step(std::vector<int64_t>{0, 0}); }, "pass float actions");
  }
  env->Step(good);  // still usable after rejected calls
}

TEST_P(Conformance, StepBuffersHaveTheDeclaredShapesAndFiniteValues) {
  auto env = MakeEnv(3, 17);
  Rng rng(3);
  const size_t n = 3, d = static_cast<size_t>(env->obs_dim());
  EXPECT_EQ(env->num_envs(), 3);
  EXPECT_EQ(env->obs_dim(), env->observation_space().flat_dim());
  EXPECT_EQ(env->action_dim(), env->action_space().flat_dim());
  const auto all_finite = [](const auto& values) {
    return std::all_of(values.begin(), values.end(), [](double x) { return std::isfinite(x); });
  };
  const StepBuffers& first = env->Reset();
  ASSERT_EQ(first.observations.size(), n * d);
  EXPECT_TRUE(all_finite(first.observations));
  for (int step = 0; step < 100; ++step) {
    const StepBuffers& b = env->Step(RandomActions(*env, rng));
    ASSERT_EQ(b.num_envs, 3);
    ASSERT_EQ(b.obs_dim, env->obs_dim());
    ASSERT_EQ(b.observations.size(), n * d);
    ASSERT_EQ(b.next_observations.size(), n * d);
    for (size_t size : {b.rewards.size(), b.terminated.size(), b.truncated.size(), b.done.size(),
                        b.episode_returns.size(), b.episode_lengths.size()}) {
      ASSERT_EQ(size, n) << "step " << step;
    }
    ASSERT_TRUE(all_finite(b.observations)) << "step " << step;
    ASSERT_TRUE(all_finite(b.next_observations)) << "step " << step;
    ASSERT_TRUE(all_finite(b.rewards)) << "step " << step;
  }
}

TEST_P(Conformance, UnknownKeyFailsListingTheValidKeys) {
  testing::ExpectUnknownKeyListsTheValidKeys(Envs(), GetParam(),
                                             [](const std::string& spec) { Make(spec, 1, 0); });
}

TEST(EnvRegistryConformance, UnknownNameFailsListingEveryEnvironment) {
  RegisterBuiltins();
  testing::ExpectUnknownNameListsEveryEntry(Envs(),
                                            [](const std::string& spec) { Make(spec, 1, 0); });
}

INSTANTIATE_TEST_SUITE_P(AllEnvironments, Conformance, ::testing::ValuesIn(AllEnvironments()),
                         testing::RegistryEntryTestName);

}  // namespace
}  // namespace rlab::envs
