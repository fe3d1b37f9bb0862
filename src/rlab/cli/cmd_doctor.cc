// rlab doctor: versions, the BLAS libtorch runs on, threads, and a measured GEMM rate; the
// first thing to run on a new machine (a reference BLAS makes everything ~20x slower).
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "rlab/cli/commands.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/core/threads.h"

namespace rlab::cli {

namespace {

// fp32 GEMM rate in GFLOP/s for n x n matrices, timed for at least `seconds`.
double MeasureGemm(int64_t n, double seconds) {
  torch::NoGradGuard no_grad;
  const torch::Tensor a = torch::randn({n, n});
  const torch::Tensor b = torch::randn({n, n});
  torch::Tensor c = torch::empty({n, n});
  for (int i = 0; i < 3; ++i) torch::mm_out(c, a, b);
  int64_t reps = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    torch::mm_out(c, a, b);
    ++reps;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return 2.0 * static_cast<double>(n * n * n) * static_cast<double>(reps) / elapsed / 1e9;
}

}  // namespace

void AddDoctorCommand(CLI::App& app) {
  auto threads = std::make_shared<int>(0);
  CLI::App* cmd = app.add_subcommand("doctor", "print versions, BLAS, threads and GEMM speed");
  cmd->add_option("--threads", *threads, "libtorch threads to configure (0 = all cores)")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->callback([threads] {
    const ThreadSettings s = ConfigureThreads(*threads);
    const char* coretype = std::getenv("OPENBLAS_CORETYPE");
    std::printf("rewardlab        %s\n", RLAB_VERSION);
    std::printf("libtorch         %s\n", TORCH_VERSION);
    std::printf("compiler         g++ %s (C++%ld)\n", __VERSION__, __cplusplus / 100 % 100);
    std::printf("BLAS             %s\n", BlasDescription().c_str());
    std::printf("OPENBLAS_CORETYPE %s\n", coretype ? coretype : "(unset)");
    std::printf("cores            %d\n", CoreCount());
    std::printf("threads          %d libtorch intra-op, %d OpenBLAS\n", s.torch_threads,
                s.blas_threads);
    const int64_t n = 1024;
    const double configured = MeasureGemm(n, 1.0);
    std::printf("fp32 GEMM %ld^3   %.1f GFLOP/s (with the threads above)\n", n, configured);
    for (int blas : {1, CoreCount()}) {
      if (blas == s.blas_threads) continue;
      SetBlasThreads(blas);
      std::printf("fp32 GEMM %ld^3   %.1f GFLOP/s (with %d OpenBLAS thread%s)\n", n,
                  MeasureGemm(n, 1.0), blas, blas == 1 ? "" : "s");
    }
    SetBlasThreads(s.blas_threads);
    if (!BlasIsOpenBlas()) {
      std::printf("WARNING: libtorch is not running on OpenBLAS; run scripts/install-deps.sh\n");
    }
  });
}

}  // namespace rlab::cli
