#include "rlab/pipeline/lm/batch_fit.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "rlab/core/check.h"

namespace rlab::pipeline {

models::LmOptim FitBatchesToData(models::LmOptim optim, int64_t examples, std::string_view data) {
  RLAB_CHECK(examples >= 1, "{}: no training example to make batches of", data);
  if (optim.batch_size > examples) {
    spdlog::warn("optim.batch_size is {}, but {} has {} training examples: batches of {}",
                 optim.batch_size, data, examples, examples);
    optim.batch_size = examples;
  }
  const int64_t most_accumulated = std::max<int64_t>(1, examples / optim.batch_size);
  if (optim.grad_accum > most_accumulated) {
    spdlog::warn("optim.grad_accum is {}, but that many micro-batches of {} exceed the {} "
                 "training examples of {}: accumulating {}",
                 optim.grad_accum, optim.batch_size, examples, data, most_accumulated);
    optim.grad_accum = most_accumulated;
  }
  return optim;
}

}  // namespace rlab::pipeline
