// One sample-based EPIC distance at the EPIC paper's sizes (4096 coverage transitions, 4096
// samples for the expectations) on CartPole-v1 and Pendulum-v1: the environment's true reward
// against a potential-shaped one (random quadratic potential). Sampling is done before
// timing; each iteration canonicalises both rewards, (2N + M) * M + N evaluations each, and
// takes the Pearson distance. Run: build/bench/bench_epic
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "rlab/envs/registry.h"
#include "rlab/eval/epic_sampled.h"
#include "rlab/reward/signal/random_reward.h"
#include "rlab/reward/signal/reward_fn.h"

namespace {

void BM_SampledEpic(benchmark::State& state, const std::string& env_name) {
  rlab::envs::RegisterBuiltins();
  std::shared_ptr<const rlab::envs::VectorEnv> env = rlab::envs::Make(env_name, 1, 0);
  const auto truth = std::make_shared<rlab::reward::EnvReward>(env);
  const rlab::reward::ShapedReward shaped(
      truth, rlab::reward::RandomPotential(env->obs_dim(), 1, 1.0), 0.99);
  const rlab::eval::EpicSamples samples = rlab::eval::SampleEnvTransitions(env_name, {});
  const int64_t n = samples.coverage.size(), m = samples.states.size(0);
  double distance = 0;
  for (auto _ : state) {
    distance = rlab::eval::SampledEpicDistance(*truth, shaped, samples,
                                               {.gamma = 0.99, .batch_rows = state.range(0)});
    benchmark::DoNotOptimize(distance);
  }
  state.counters["distance"] = distance;
  state.counters["reward_evals_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * 2 * ((2 * n + m) * m + n)),
                         benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_SampledEpic, CartPole, std::string("CartPole-v1"))
    ->Arg(1 << 15)  // batch_rows: the default
    ->Arg(1 << 13)
    ->Arg(1 << 18)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SampledEpic, Pendulum, std::string("Pendulum-v1"))
    ->Arg(1 << 15)  // batch_rows: the default
    ->Arg(1 << 13)
    ->Arg(1 << 18)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
