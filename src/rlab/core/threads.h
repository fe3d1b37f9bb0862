// Threads: libtorch's intra-op pool and OpenBLAS's own pool share the machine's cores.
// Letting both use every core oversubscribes them (measured here: a 256-unit MLP update is
// ~6x slower with 2 torch x 2 OpenBLAS threads than with 1 x 2 on 2 cores), so the two
// counts are chosen together: their product never exceeds the core count.
#pragma once

#include <string>

namespace rlab {

struct ThreadSettings {
  int torch_threads = 1;  // libtorch intra-op threads
  int blas_threads = 1;   // OpenBLAS threads (GEMMs)
};

// The cores this process may use: those of its CPU affinity, or fewer where OMP_NUM_THREADS
// says so (as nproc counts them); at least 1.
int CoreCount();

// threads: libtorch intra-op threads, 0 = all cores. blas_threads: OpenBLAS threads,
// 0 = as many as fit beside them (cores / threads, at least 1). Applies and returns them, and
// keeps freed memory for reuse (allocator.h).
ThreadSettings ConfigureThreads(int threads, int blas_threads = 0);
ThreadSettings CurrentThreads();

// Sets only OpenBLAS's thread count (no-op when the BLAS in use is not OpenBLAS).
void SetBlasThreads(int n);

// What BLAS libtorch is running on: "OpenBLAS 0.3.21 ... (path)" or the library found.
std::string BlasDescription();
bool BlasIsOpenBlas();

}  // namespace rlab
