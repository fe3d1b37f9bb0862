// Batch sizes held to the training data. As a data loader's last batch holds what is left
// (PyTorch's DataLoader, and so Hugging Face's Trainer), a batch here holds at most the whole
// training set, and the micro-batches of one optimiser step together at most the training set
// too: larger settings would only repeat examples within a step, while the memory a step asks
// for grows with them (optim.batch_size=100000000 asked for tens of gigabytes). Larger settings
// are lowered, with a warning that names the key and the data's size.
#pragma once

#include <cstdint>
#include <string_view>

#include "rlab/models/optim/lm_optim.h"

namespace rlab::pipeline {

// `optim` with batch_size <= examples and batch_size * grad_accum <= examples; `data` names
// the training data in the warning.
models::LmOptim FitBatchesToData(models::LmOptim optim, int64_t examples, std::string_view data);

}  // namespace rlab::pipeline
