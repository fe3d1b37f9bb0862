// A multilayer perceptron: Linear -> activation -> ... -> Linear. With no hidden layers it is
// a linear model.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

namespace rlab::models {

class MlpImpl : public torch::nn::Module {
 public:
  // activation: "relu" or "tanh".
  MlpImpl(int64_t in_features, const std::vector<int64_t>& hidden, int64_t out_features,
          const std::string& activation = "relu");
  torch::Tensor forward(const torch::Tensor& x);  // [B, in] -> [B, out]

 private:
  torch::nn::Sequential layers_;
};
TORCH_MODULE(Mlp);

}  // namespace rlab::models
