#include "rlab/core/threads.h"

#include <dlfcn.h>
#include <link.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "rlab/core/allocator.h"
#include "rlab/core/check.h"

namespace rlab {

namespace {

using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();
using GetConfigFn = char* (*)();

template <class Fn>
Fn LookUp(const char* symbol) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, symbol));
}

int BlasThreadsNow() {
  if (auto get = LookUp<GetThreadsFn>("openblas_get_num_threads")) return get();
  return 1;
}

// Path of the loaded shared object whose name contains "blas" (libblas.so.3 is an
// alternative that points at OpenBLAS or the reference BLAS).
std::string LoadedBlasPath() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        const std::string name = info->dlpi_name ? info->dlpi_name : "";
        if (name.find("blas") != std::string::npos) {
          auto* out = static_cast<std::string*>(data);
          if (out->empty() || name.find("openblas") != std::string::npos) *out = name;
        }
        return 0;
      },
      &found);
  return found;
}

// OpenBLAS 0.3.21 runs single-threaded products of a few hundred rows 1.5 to 3.5 times
// slower in a process that has never run a multi-threaded one (measured: 256^3 at 9.7 against
// 35 GFLOP/s, 100x64x64 at 19 against 30; bench/fast_mlp_bench.cc, docs/benchmarks.md); one
// multi-threaded product at start-up puts it in the fast state, whatever the thread count
// chosen afterwards.
void WarmOpenBlasOnce(int cores) {
  static std::once_flag once;
  std::call_once(once, [cores] {
    auto set = LookUp<SetThreadsFn>("openblas_set_num_threads");
    if (set == nullptr || cores < 2) return;
    set(2);
    const torch::Tensor a = torch::full({256, 256}, 0.5f);
    (void)torch::mm(a, a);
  });
}

}  // namespace

int CoreCount() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : std::max(1u, std::thread::hardware_concurrency());
}

void SetBlasThreads(int n) {
  if (auto set = LookUp<SetThreadsFn>("openblas_set_num_threads")) set(std::max(1, n));
}

ThreadSettings ConfigureThreads(int threads, int blas_threads) {
  RLAB_CHECK(threads >= 0, "threads must be >= 0 (0 = all cores), got {}", threads);
  RLAB_CHECK(blas_threads >= 0, "blas_threads must be >= 0 (0 = automatic), got {}", blas_threads);
  const int cores = CoreCount();
  ThreadSettings s;
  s.torch_threads = threads == 0 ? cores : threads;
  s.blas_threads = blas_threads == 0 ? std::max(1, cores / s.torch_threads) : blas_threads;
  torch::set_num_threads(s.torch_threads);
  KeepFreedMemoryForReuse();
  WarmOpenBlasOnce(cores);
  SetBlasThreads(s.blas_threads);
  return s;
}

ThreadSettings CurrentThreads() {
  return {static_cast<int>(torch::get_num_threads()), BlasThreadsNow()};
}

bool BlasIsOpenBlas() { return LookUp<GetConfigFn>("openblas_get_config") != nullptr; }

std::string BlasDescription() {
  const std::string path = LoadedBlasPath();
  if (auto config = LookUp<GetConfigFn>("openblas_get_config")) {
    return fmt::format("OpenBLAS ({}) at {}", config(), path.empty() ? "?" : path);
  }
  return fmt::format("not OpenBLAS: {} (likely the reference BLAS, ~20x slower; run "
                     "scripts/install-deps.sh)",
                     path.empty() ? "no BLAS library found" : path);
}

}  // namespace rlab
