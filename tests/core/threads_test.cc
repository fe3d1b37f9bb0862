#include "rlab/core/threads.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <cstdlib>
#include <optional>
#include <string>

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

// CoreCount counts as nproc does: the cores of the process's affinity, or fewer where
// OMP_NUM_THREADS asks for fewer; CTest runs every test on one core this way.
TEST(Threads, CoreCountIsTheAffinityOrFewerWhereOmpNumThreadsSays) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
  const int affinity = CPU_COUNT(&allowed);
  const char* before = std::getenv("OMP_NUM_THREADS");
  const std::optional<std::string> saved =
      before ? std::optional<std::string>(before) : std::nullopt;
  unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(CoreCount(), affinity);
  setenv("OMP_NUM_THREADS", "1", 1);
  EXPECT_EQ(CoreCount(), 1);
  EXPECT_EQ(ConfigureThreads(0).torch_threads, 1);
  EXPECT_EQ(ConfigureThreads(1).blas_threads, 1);
  setenv("OMP_NUM_THREADS", "1000,2", 1);  // more than there are: the affinity
  EXPECT_EQ(CoreCount(), affinity);
  setenv("OMP_NUM_THREADS", "none", 1);
  EXPECT_EQ(CoreCount(), affinity);
  if (saved) {
    setenv("OMP_NUM_THREADS", saved->c_str(), 1);
  } else {
    unsetenv("OMP_NUM_THREADS");
  }
}

// scripts/install-deps.sh makes OpenBLAS the libblas.so.3 alternative; the reference BLAS
// would make every network ~20x slower, so a machine without it fails here loudly.
TEST(Threads, LibtorchRunsOnOpenBlas) {
  EXPECT_TRUE(BlasIsOpenBlas()) << BlasDescription();
  EXPECT_NE(BlasDescription().find("OpenBLAS"), std::string::npos);
}

}  // namespace
}  // namespace rlab
