#include "rlab/pipeline/lm/reference_logps.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "rlab/core/io.h"
#include "rlab/core/progress.h"
#include "rlab/prefopt/sequence_logps.h"

namespace rlab::pipeline {

namespace {

// FNV-1a over every token id and loss flag: a cache of other data does not match.
int64_t Fingerprint(const std::vector<data::SftExample>& sequences) {
  uint64_t h = 1469598103934665603ull;
  const auto mix = [&h](uint64_t v) {
    h ^= v;
    h *= 1099511628211ull;
  };
  for (const auto& s : sequences) {
    mix(s.ids.size());
    for (std::size_t t = 0; t < s.ids.size(); ++t)
      mix(static_cast<uint64_t>(s.ids[t]) * 2 + s.trained[t]);
  }
  return static_cast<int64_t>(h);
}

}  // namespace

torch::Tensor ReferenceLogps(models::Transformer& model,
                             const std::vector<data::SftExample>& sequences, int64_t batch_size,
                             int64_t pad, const std::filesystem::path& cache_file) {
  const int64_t n = static_cast<int64_t>(sequences.size());
  const int64_t fingerprint = Fingerprint(sequences);
  if (std::filesystem::exists(cache_file)) {
    std::vector<torch::Tensor> cached;
    torch::load(cached, cache_file.string());
    if (cached.size() == 2 && cached[0].numel() == n && cached[1].item<int64_t>() == fingerprint) {
      spdlog::info("reference log-probs of {} sequences read from {}", n, cache_file.string());
      return cached[0];
    }
    spdlog::warn("{} belongs to other data; computing the reference log-probs again",
                 cache_file.string());
  }
  // Sequences of similar length share a batch, which keeps the padding small.
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return sequences[a].ids.size() < sequences[b].ids.size();
  });
  torch::Tensor logps = torch::zeros({n}, torch::kFloat64);
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  Progress progress("reference log-probs", n, 10.0);
  for (int64_t start = 0; start < n; start += batch_size) {
    const std::vector<int64_t> rows(order.begin() + start,
                                    order.begin() + std::min(n, start + batch_size));
    logps.index_put_({torch::tensor(rows, torch::kInt64)},
                     prefopt::SequenceLogps(model, sequences, rows, pad).logps.to(torch::kFloat64));
    progress.Update(start + static_cast<int64_t>(rows.size()), "");
  }
  progress.Finish("");
  if (was_training) model->train();
  const std::filesystem::path tmp = TempPathFor(cache_file);
  torch::save(std::vector<torch::Tensor>{logps, torch::tensor(fingerprint)}, tmp.string());
  CommitTempFile(tmp, cache_file);
  return logps;
}

}  // namespace rlab::pipeline
