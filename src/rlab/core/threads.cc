#include "rlab/core/threads.h"

#include <dlfcn.h>
#include <link.h>
#include <sched.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
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
// chosen afterwards. It is warmed on a single allowed core too (CoreCount), where the two
// threads take turns for this one product.
void WarmOpenBlasOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto set = LookUp<SetThreadsFn>("openblas_set_num_threads");
    if (set == nullptr) return;
    set(2);
    const torch::Tensor a = torch::full({256, 256}, 0.5f);
    (void)torch::mm(a, a);
  });
}

}  // namespace

int CoreCount() {
  // Counted as nproc counts them: the cores of this process's CPU affinity (taskset, a
  // container's cpuset), or fewer where OMP_NUM_THREADS asks for fewer (CTest gives every
  // test one core so, tests/CMakeLists.txt). Threads beyond them only take turns, and
  // OpenBLAS's idle workers spin while they wait for theirs.
  int cores = 0;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0) cores = CPU_COUNT(&allowed);
  if (cores <= 0) {
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    cores = online > 0 ? static_cast<int>(online)
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  if (const char* omp = std::getenv("OMP_NUM_THREADS")) {
    const long asked = std::strtol(omp, nullptr, 10);  // "4" or a nested list "4,2"
    if (asked > 0 && asked < cores) cores = static_cast<int>(asked);
  }
  return cores;
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
  WarmOpenBlasOnce();
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
