// The cost of one MLP step at control sizes, fused path against libtorch (one thread each):
// a rollout forward (batch 4) and a training step (forward, backward, Adam; batch 128) of
// CleanRL's CartPole PPO network (4 -> 64 -> 64 -> 2, tanh), and a training step of
// CleanRL's SAC critic (4 -> 256 -> 256 -> 1, relu, batch 256).
// Also: single-threaded OpenBLAS SGEMM rates by size (n x n x n), which decide how the RL
// agents share the cores (docs/benchmarks.md).
// Run: build/bench/bench_fast_mlp
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "rlab/core/rng.h"
#include "rlab/core/threads.h"
#include "rlab/models/kernels/blas.h"
#include "rlab/models/fast_mlp.h"
#include "rlab/models/optim/flat_adam.h"
#include "rlab/models/mlp.h"

namespace {

using rlab::models::Activation;

struct Size {
  int64_t in, width, out, batch;
  Activation act;
};
constexpr Size kSizes[] = {{4, 64, 2, 4, Activation::kTanh},
                           {4, 64, 2, 128, Activation::kTanh},
                           {4, 256, 1, 256, Activation::kRelu}};

void BM_FusedForward(benchmark::State& state) {
  rlab::ConfigureThreads(1, 1);
  const Size s = kSizes[state.range(0)];
  rlab::Rng rng(1);
  rlab::models::FastMlp net(s.in, {s.width, s.width}, s.out, s.act);
  net.InitFanInUniform(rng);
  std::vector<float> x(s.batch * s.in, 0.5f);
  rlab::models::MlpTape tape;
  for (auto _ : state) benchmark::DoNotOptimize(net.Forward(x.data(), s.batch, tape));
}

void BM_TorchForward(benchmark::State& state) {
  rlab::ConfigureThreads(1, 1);
  const Size s = kSizes[state.range(0)];
  rlab::models::Mlp net(s.in, std::vector<int64_t>{s.width, s.width}, s.out,
                        s.act == Activation::kTanh ? "tanh" : "relu");
  const torch::Tensor x = torch::full({s.batch, s.in}, 0.5f);
  torch::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(net->forward(x));
}

void BM_FusedTrainStep(benchmark::State& state) {
  rlab::ConfigureThreads(1, 1);
  const Size s = kSizes[state.range(0)];
  rlab::Rng rng(1);
  rlab::models::FastMlp net(s.in, {s.width, s.width}, s.out, s.act);
  net.InitFanInUniform(rng);
  rlab::models::FlatAdam adam(net.params(), net.grads(), {.lr = 1e-4});
  std::vector<float> x(s.batch * s.in, 0.5f), g(s.batch * s.out, 1e-3f);
  rlab::models::MlpTape tape;
  for (auto _ : state) {
    net.Forward(x.data(), s.batch, tape);
    net.ZeroGrad();
    net.Backward(tape, g.data(), nullptr);
    adam.Step();
  }
}

void BM_TorchTrainStep(benchmark::State& state) {
  rlab::ConfigureThreads(1, 1);
  const Size s = kSizes[state.range(0)];
  rlab::models::Mlp net(s.in, std::vector<int64_t>{s.width, s.width}, s.out,
                        s.act == Activation::kTanh ? "tanh" : "relu");
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-4));
  const torch::Tensor x = torch::full({s.batch, s.in}, 0.5f);
  for (auto _ : state) {
    adam.zero_grad();
    (net->forward(x).sum() * 1e-3).backward();
    adam.step();
  }
}

void BM_Gemm(benchmark::State& state) {
  rlab::ConfigureThreads(1, static_cast<int>(state.range(1)));
  const int64_t n = state.range(0);
  std::vector<float> a(n * n, 0.01f), b(n * n, 0.02f), c(n * n);
  for (auto _ : state) {
    rlab::models::Gemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * n * n * n * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Gemm)->ArgsProduct({{64, 128, 192, 256, 320, 384, 512}, {1, 2}})->UseRealTime();
BENCHMARK(BM_FusedForward)->DenseRange(0, 2);
BENCHMARK(BM_TorchForward)->DenseRange(0, 2);
BENCHMARK(BM_FusedTrainStep)->DenseRange(0, 2);
BENCHMARK(BM_TorchTrainStep)->DenseRange(0, 2);

}  // namespace

BENCHMARK_MAIN();
