#include "rlab/core/threads.h"

#include <gtest/gtest.h>

#include "rlab/core/check.h"

namespace rlab {
namespace {

TEST(Threads, AutomaticBlasThreadsNeverOversubscribe) {
  const int cores = CoreCount();
  for (int t = 0; t <= cores; ++t) {
    const ThreadSettings s = ConfigureThreads(t);
    EXPECT_EQ(s.torch_threads, t == 0 ? cores : t);
    EXPECT_LE(s.torch_threads * s.blas_threads, std::max(cores, s.torch_threads));
    EXPECT_GE(s.blas_threads, 1);
    EXPECT_EQ(CurrentThreads().torch_threads, s.torch_threads);
    EXPECT_EQ(CurrentThreads().blas_threads, s.blas_threads);
  }
  EXPECT_EQ(ConfigureThreads(1, 1).blas_threads, 1);
  EXPECT_THROW(ConfigureThreads(-1), Error);
}

// scripts/install-deps.sh makes OpenBLAS the libblas.so.3 alternative; the reference BLAS
// would make every network ~20x slower, so a machine without it fails here loudly.
TEST(Threads, LibtorchRunsOnOpenBlas) {
  EXPECT_TRUE(BlasIsOpenBlas()) << BlasDescription();
  EXPECT_NE(BlasDescription().find("OpenBLAS"), std::string::npos);
}

}  // namespace
}  // namespace rlab
