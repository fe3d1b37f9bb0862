// The reference model's log-probs of every training sequence, computed once before training
// (the reference is frozen, so they never change) and cached in the run directory with a
// fingerprint of the sequences: a resumed run reads them back instead of recomputing, and a
// cache that does not match the data is recomputed rather than trusted.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "rlab/text/sft_dataset.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::pipeline {

// Summed completion log-probs [S] (float64) of `sequences` under `model`, in batches of
// `batch_size`, padded with `pad`; reads and writes `cache_file`.
torch::Tensor ReferenceLogps(models::Transformer& model,
                             const std::vector<data::SftExample>& sequences, int64_t batch_size,
                             int64_t pad, const std::filesystem::path& cache_file);

}  // namespace rlab::pipeline
