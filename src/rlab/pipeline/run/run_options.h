// The `run:` section every pipeline config has: naming, seeding, threads, logging cadence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rlab/core/check.h"
#include "rlab/core/config.h"

namespace rlab::pipeline {

struct RunOptions {
  std::string name;  // empty: the pipeline's name
  uint64_t seed = 1;
  int threads = 0;       // libtorch intra-op threads; 0 = all cores
  int blas_threads = 0;  // OpenBLAS threads; 0 = cores / threads
  std::string out_dir = "runs";
  int64_t log_every = 100;
  int64_t checkpoint_every = 1000;
  int keep_checkpoints = 2;
  double progress_seconds = 5.0;  // interval of plain progress lines when not on a terminal

  template <class V>
  void Fields(V& v) {
    v("name", name,
      "run name; the directory is <out_dir>/<name>-<timestamp> (default: pipeline name)");
    v("seed", seed, "seed of every random draw in the run");
    v("threads", threads, "libtorch intra-op threads (0 = all cores)");
    v("blas_threads", blas_threads, "OpenBLAS threads (0 = cores / threads)");
    v("out_dir", out_dir, "directory that holds run directories");
    v("log_every", log_every, "steps between metric lines");
    v("checkpoint_every", checkpoint_every, "steps between checkpoints (0 = only at the end)");
    v("keep_checkpoints", keep_checkpoints, "how many recent checkpoints to keep");
    v("progress_seconds", progress_seconds, "seconds between progress lines off a terminal");
  }
  void Validate() const {
    RLAB_CHECK(threads >= 0, "threads must be >= 0, got {}", threads);
    RLAB_CHECK(blas_threads >= 0, "blas_threads must be >= 0, got {}", blas_threads);
    RLAB_CHECK(log_every > 0, "log_every must be > 0, got {}", log_every);
    RLAB_CHECK(checkpoint_every >= 0, "checkpoint_every must be >= 0, got {}", checkpoint_every);
    RLAB_CHECK(keep_checkpoints >= 1, "keep_checkpoints must be >= 1, got {}", keep_checkpoints);
    RLAB_CHECK(!out_dir.empty(), "out_dir must not be empty");
  }
};

// Warns (config::Warn) that the cadence `key` = `every` never comes in a run of `steps` steps,
// so that `consequence` ("the run logs only its last step"); every = 0 (off) says nothing.
inline void WarnIfNeverDue(std::string_view key, int64_t every, int64_t steps,
                           std::string_view consequence) {
  if (every > steps && steps > 0) {
    config::Warn(
        fmt::format("{} is {}, more than the run's {} steps: {}", key, every, steps, consequence));
  }
}

// The warnings about `run`'s cadences for a run of `steps` steps. A checkpoint_every beyond
// the run says nothing: the run checkpoints at its end anyway.
inline void WarnAboutRunCadence(const RunOptions& run, int64_t steps) {
  WarnIfNeverDue("run.log_every", run.log_every, steps, "the run logs only its last step");
}

}  // namespace rlab::pipeline
