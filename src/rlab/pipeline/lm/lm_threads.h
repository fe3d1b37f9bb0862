// How language-model runs share the cores between libtorch and OpenBLAS.
#pragma once

#include "rlab/pipeline/run/run_options.h"

namespace rlab::pipeline {

// Transformer work is dominated by GEMMs, which OpenBLAS parallelises itself; libtorch's own
// pool only helps the element-wise operations. Unless the run sets threads or blas_threads,
// libtorch gets one thread and OpenBLAS every core (the best of the settings measured in
// docs/benchmarks.md, "Language-model training"); explicit settings are kept.
void ConfigureLanguageModelThreads(const RunOptions& run);

}  // namespace rlab::pipeline
