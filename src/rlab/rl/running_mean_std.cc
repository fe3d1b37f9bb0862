#include "rlab/rl/running_mean_std.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"

namespace rlab::rl {

namespace {
constexpr double kEps = 1e-8;
}

RunningMeanStd::RunningMeanStd(int64_t dim)
    : dim_(dim),
      mean_(torch::zeros({dim}, torch::kDouble)),
      var_(torch::ones({dim}, torch::kDouble)),
      count_(torch::full({}, 1e-4, torch::kDouble)),  // Gymnasium's starting count
      mean_data_(mean_.data_ptr<double>()),
      var_data_(var_.data_ptr<double>()) {}

void RunningMeanStd::Update(std::span<const float> rows, int64_t batch) {
  RLAB_CHECK(rows.size() == static_cast<size_t>(batch * dim_),
             "RunningMeanStd: rows must be [{}, {}]", batch, dim_);
  if (batch == 0) return;
  const double count = count_.item<double>();
  const double total = count + static_cast<double>(batch);
  for (int64_t j = 0; j < dim_; ++j) {
    double m = 0.0;
    for (int64_t i = 0; i < batch; ++i) m += rows[i * dim_ + j];
    m /= static_cast<double>(batch);
    double v = 0.0;
    for (int64_t i = 0; i < batch; ++i) {
      const double d = rows[i * dim_ + j] - m;
      v += d * d;
    }
    v /= static_cast<double>(batch);  // population variance of the batch, as numpy's var
    const double delta = m - mean_data_[j];
    mean_data_[j] += delta * static_cast<double>(batch) / total;
    const double m2 = var_data_[j] * count + v * static_cast<double>(batch) +
                      delta * delta * count * static_cast<double>(batch) / total;
    var_data_[j] = m2 / total;
  }
  count_.fill_(total);
}

void RunningMeanStd::Normalize(std::span<float> rows, int64_t batch, double clip) const {
  for (int64_t j = 0; j < dim_; ++j) {
    const double scale = 1.0 / std::sqrt(var_data_[j] + kEps);
    for (int64_t i = 0; i < batch; ++i) {
      const double z = (rows[i * dim_ + j] - mean_data_[j]) * scale;
      rows[i * dim_ + j] = static_cast<float>(std::clamp(z, -clip, clip));
    }
  }
}

void RunningMeanStd::AddTo(CheckpointState& state, const std::string& name) {
  state.AddTensor(name + ".mean", mean_);
  state.AddTensor(name + ".var", var_);
  state.AddTensor(name + ".count", count_);
}

ReturnNormalizer::ReturnNormalizer(int64_t envs, double gamma)
    : gamma_(gamma), returns_(torch::zeros({envs}, torch::kDouble)), stats_(1) {}

void ReturnNormalizer::Apply(std::span<float> rewards, std::span<const uint8_t> ended,
                             double clip) {
  const int64_t n = returns_.numel();
  RLAB_CHECK(rewards.size() == static_cast<size_t>(n) && ended.size() == rewards.size(),
             "ReturnNormalizer: rewards must be [{}]", n);
  double* ret = returns_.data_ptr<double>();
  std::vector<float> current(n);
  for (int64_t i = 0; i < n; ++i) {
    ret[i] = ret[i] * gamma_ + rewards[i];
    current[i] = static_cast<float>(ret[i]);
  }
  stats_.Update(current, n);
  const double scale = 1.0 / std::sqrt(stats_.var(0) + kEps);
  for (int64_t i = 0; i < n; ++i) {
    rewards[i] = static_cast<float>(std::clamp(rewards[i] * scale, -clip, clip));
    if (ended[i]) ret[i] = 0.0;
  }
}

void ReturnNormalizer::AddTo(CheckpointState& state, const std::string& name) {
  state.AddTensor(name + ".returns", returns_);
  stats_.AddTo(state, name + ".stats");
}

}  // namespace rlab::rl
