// Environment steps per second of the vector CartPole (one thread), with random actions drawn
// before timing. Run: build/bench/bench_env_step
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/envs/registry.h"

namespace {

void BM_CartPoleStep(benchmark::State& state) {
  rlab::envs::RegisterBuiltins();
  const int64_t n = state.range(0);
  constexpr int64_t kRounds = 4096;  // pre-drawn action rounds, reused cyclically
  auto env = rlab::envs::Make("CartPole-v1", n, 1);
  rlab::Rng rng(2);
  std::vector<int64_t> actions(kRounds * n);  // [kRounds, N]
  for (int64_t& a : actions) a = rng.UniformInt(2);
  env->Reset();
  int64_t round = 0;
  for (auto _ : state) {
    const auto& b = env->Step(std::span<const int64_t>(actions.data() + round * n, n));
    benchmark::DoNotOptimize(b.observations.data());
    round = (round + 1) % kRounds;
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["env_steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CartPoleStep)->Arg(1)->Arg(256);

}  // namespace

BENCHMARK_MAIN();
