// A fused multilayer perceptron for control-sized networks (a few thousand to a few hundred
// thousand parameters): forward and backward written out on raw float buffers, with the
// matrix products in OpenBLAS and nothing else in between. libtorch spends tens of
// microseconds of dispatch per layer on such networks, more than the arithmetic itself
// (docs/benchmarks.md measures both); the RL agents of rlab/rl use this path on the CPU.
//
//   FastMlp net(4, {64, 64}, 2, Activation::kTanh);
//   MlpTape tape;
//   const float* out = net.Forward(x, batch, tape);   // x [B, 4] -> out [B, 2]
//   net.Backward(tape, grad_out, /*grad_input=*/nullptr);  // grads() += dL/dparams
//
// Parameters live in one flat float tensor (layer by layer: W_l [out_l, in_l] row-major,
// then b_l [out_l]), and so do their gradients; optimisers and checkpoints work on those.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rlab {
class Rng;
}

namespace rlab::models {

enum class Activation { kTanh, kRelu };
Activation ParseActivation(const std::string& name);  // "tanh" or "relu"

// The activations one forward pass leaves for its backward pass.
struct MlpTape {
  int64_t batch = 0;
  std::vector<std::vector<float>> layers;  // [0]: the input [B, in]; [l]: layer l's output [B, d_l]
  std::vector<float> grad_a, grad_b;       // scratch for backpropagated gradients
};

class FastMlp {
 public:
  FastMlp(int64_t in_features, std::vector<int64_t> hidden, int64_t out_features,
          Activation activation);
  FastMlp(const FastMlp& other);  // a deep copy (target networks)
  FastMlp& operator=(const FastMlp&) = delete;

  int64_t in_features() const { return widths_.front(); }
  int64_t out_features() const { return widths_.back(); }
  int64_t num_layers() const { return static_cast<int64_t>(widths_.size()) - 1; }
  int64_t num_params() const { return params_.numel(); }
  Activation activation() const { return activation_; }
  const std::vector<int64_t>& widths() const { return widths_; }  // in, hidden..., out

  torch::Tensor params() const { return params_; }  // [P], shares storage
  torch::Tensor grads() const { return grads_; }    // [P], shares storage
  std::span<float> param_span() { return {param_data_, static_cast<size_t>(num_params())}; }
  std::span<float> grad_span() { return {grad_data_, static_cast<size_t>(num_params())}; }
  float* weight(int64_t layer) { return param_data_ + offsets_[layer]; }  // [out, in]
  float* bias(int64_t layer) { return weight(layer) + widths_[layer + 1] * widths_[layer]; }
  const float* weight(int64_t layer) const { return param_data_ + offsets_[layer]; }
  const float* bias(int64_t layer) const {
    return weight(layer) + widths_[layer + 1] * widths_[layer];
  }

  // Orthogonal weights (Saxe et al., "Exact solutions to the nonlinear dynamics of learning in
  // deep linear neural networks", arXiv:1312.6120) scaled by `hidden_gain` (hidden layers)
  // and `output_gain` (last layer), biases 0: CleanRL's layer_init for PPO.
  void InitOrthogonal(double hidden_gain, double output_gain, Rng& rng);
  // torch.nn.Linear's default: weights and biases uniform in +-1/sqrt(fan_in).
  void InitFanInUniform(Rng& rng);
  // Copies every parameter of `other` (same widths) into this network.
  void CopyParamsFrom(const FastMlp& other);
  // Polyak averaging for target networks: this = tau * online + (1 - tau) * this.
  void SoftUpdateFrom(const FastMlp& online, double tau);

  // x [B, in] -> [B, out]; the returned pointer lives in `tape` until its next use.
  const float* Forward(const float* x, int64_t batch, MlpTape& tape) const;
  // grad_out [B, out] = dL/d(output) of the forward pass recorded in `tape`. Adds dL/dparams
  // to grads() when accumulate_param_grads, and writes dL/dx [B, in] when grad_input is not
  // null (an actor's gradient through a critic needs only the latter).
  void Backward(MlpTape& tape, const float* grad_out, float* grad_input,
                bool accumulate_param_grads = true);
  void ZeroGrad();

 private:
  std::vector<int64_t> widths_;
  std::vector<int64_t> offsets_;  // where W_l starts in the flat buffer
  Activation activation_;
  torch::Tensor params_, grads_;  // [P] float32
  float* param_data_ = nullptr;
  float* grad_data_ = nullptr;
};

}  // namespace rlab::models
