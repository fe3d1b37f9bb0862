#include "rlab/models/mlp.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/models/hidden_widths.h"

namespace rlab::models {

MlpImpl::MlpImpl(int64_t in_features, const std::vector<int64_t>& hidden, int64_t out_features,
                 const std::string& activation) {
  RLAB_CHECK(in_features > 0 && out_features > 0, "MLP needs positive sizes, got {} -> {}",
             in_features, out_features);
  RLAB_CHECK(activation == "relu" || activation == "tanh",
             "MLP activation must be relu or tanh, got '{}'", activation);
  CheckHiddenWidths(hidden, "the MLP's hidden");
  int64_t width = in_features;
  for (int64_t h : hidden) {
    layers_->push_back(torch::nn::Linear(width, h));
    if (activation == "relu") {
      layers_->push_back(torch::nn::ReLU());
    } else {
      layers_->push_back(torch::nn::Tanh());
    }
    width = h;
  }
  layers_->push_back(torch::nn::Linear(width, out_features));
  register_module("layers", layers_);
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) { return layers_->forward(x); }

}  // namespace rlab::models
