#include "rlab/prefopt/unit_rows.h"

#include <torch/torch.h>

#include <cmath>

namespace rlab::prefopt {

std::vector<int64_t> UnitStarts(const std::vector<const PolicyUnit*>& units) {
  std::vector<int64_t> starts;
  int64_t row = 0;
  for (const PolicyUnit* u : units) {
    starts.push_back(row);
    row += static_cast<int64_t>(u->sequences.size());
  }
  return starts;
}

torch::Tensor PickRows(const torch::Tensor& values, const std::vector<int64_t>& rows) {
  return values.index_select(0, torch::tensor(rows, torch::kInt64));
}

torch::Tensor UnitMargins(const std::vector<const PolicyUnit*>& units, const torch::Tensor& like) {
  std::vector<double> margins;
  for (const PolicyUnit* u : units) {
    if (!u->margin) return {};
    margins.push_back(*u->margin);
  }
  return torch::tensor(margins, torch::kFloat64).to(like.device());
}

double MeanOrNan(const torch::Tensor& t) {
  return t.numel() == 0 ? std::nan("") : t.mean().item<double>();
}

}  // namespace rlab::prefopt
