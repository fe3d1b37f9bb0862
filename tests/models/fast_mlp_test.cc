// The fused MLP against libtorch's autograd on the same parameters: outputs, parameter
// gradients and input gradients must agree, for both activations and several shapes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/rng.h"
#include "rlab/models/kernels/fast_math.h"
#include "rlab/models/fast_mlp.h"
#include "rlab/models/optim/flat_adam.h"

namespace rlab::models {
namespace {

// The same network in libtorch ops, reading its weights from the fused network's buffer.
torch::Tensor ReferenceForward(const FastMlp& net, const torch::Tensor& params,
                               const torch::Tensor& x) {
  torch::Tensor h = x;
  int64_t offset = 0;
  const auto& w = net.widths();
  for (int64_t l = 0; l < net.num_layers(); ++l) {
    const int64_t in = w[l], out = w[l + 1];
    const torch::Tensor weight = params.slice(0, offset, offset + out * in).view({out, in});
    offset += out * in;
    const torch::Tensor bias = params.slice(0, offset, offset + out);
    offset += out;
    h = torch::addmm(bias, h, weight.t());
    if (l + 1 < net.num_layers()) {
      h = net.activation() == Activation::kTanh ? torch::tanh(h) : torch::relu(h);
    }
  }
  return h;
}

struct Shape {
  int64_t in;
  std::vector<int64_t> hidden;
  int64_t out;
  Activation act;
  int64_t batch;
};

class FastMlpMatchesAutograd : public ::testing::TestWithParam<Shape> {};

TEST_P(FastMlpMatchesAutograd, ForwardAndBackward) {
  const Shape s = GetParam();
  Rng rng(7);
  FastMlp net(s.in, s.hidden, s.out, s.act);
  net.InitFanInUniform(rng);
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({s.batch, s.in});
  const torch::Tensor upstream = torch::randn({s.batch, s.out});  // dL/dy

  MlpTape tape;
  const float* y = net.Forward(x.data_ptr<float>(), s.batch, tape);
  const torch::Tensor fused = torch::from_blob(const_cast<float*>(y), {s.batch, s.out}).clone();
  net.ZeroGrad();
  torch::Tensor dx = torch::zeros({s.batch, s.in});
  net.Backward(tape, upstream.data_ptr<float>(), dx.data_ptr<float>());

  torch::Tensor p = net.params().clone().set_requires_grad(true);
  torch::Tensor xr = x.clone().set_requires_grad(true);
  const torch::Tensor ref = ReferenceForward(net, p, xr);
  (ref * upstream).sum().backward();

  EXPECT_TRUE(torch::allclose(fused, ref.detach(), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(net.grads(), p.grad(), 1e-4, 1e-5))
      << (net.grads() - p.grad()).abs().max().item<float>();
  EXPECT_TRUE(torch::allclose(dx, xr.grad(), 1e-4, 1e-5));
}

INSTANTIATE_TEST_SUITE_P(Shapes, FastMlpMatchesAutograd,
                         ::testing::Values(Shape{4, {64, 64}, 2, Activation::kTanh, 128},
                                           Shape{3, {256, 256}, 2, Activation::kRelu, 17},
                                           Shape{5, {}, 3, Activation::kTanh, 4},
                                           Shape{1, {8}, 1, Activation::kRelu, 1}));

TEST(FastMlp, BackwardWithoutParamGradsLeavesThemAlone) {
  Rng rng(1);
  FastMlp net(3, {16}, 1, Activation::kTanh);
  net.InitFanInUniform(rng);
  net.ZeroGrad();
  const std::vector<float> x = {0.1f, -0.2f, 0.3f};
  MlpTape tape;
  net.Forward(x.data(), 1, tape);
  const float g = 1.0f;
  std::vector<float> dx(3);
  net.Backward(tape, &g, dx.data(), /*accumulate_param_grads=*/false);
  EXPECT_EQ(net.grads().abs().sum().item<float>(), 0.0f);
  EXPECT_NE(dx[0], 0.0f);
}

TEST(FastMlp, OrthogonalInitHasOrthonormalRowsTimesGain) {
  Rng rng(2);
  FastMlp net(4, {64, 64}, 2, Activation::kTanh);
  net.InitOrthogonal(std::sqrt(2.0), 0.01, rng);
  const torch::Tensor w1 = torch::from_blob(net.weight(1), {64, 64});
  EXPECT_TRUE(torch::allclose(w1.matmul(w1.t()), 2.0 * torch::eye(64), 1e-4, 1e-4));
  const torch::Tensor w0 = torch::from_blob(net.weight(0), {64, 4});  // tall: orthonormal columns
  EXPECT_TRUE(torch::allclose(w0.t().matmul(w0), 2.0 * torch::eye(4), 1e-4, 1e-4));
  const torch::Tensor w2 = torch::from_blob(net.weight(2), {2, 64});  // wide: orthonormal rows
  EXPECT_TRUE(torch::allclose(w2.matmul(w2.t()), 1e-4 * torch::eye(2), 1e-6, 1e-7));
  EXPECT_EQ(torch::from_blob(net.bias(0), {64}).abs().sum().item<float>(), 0.0f);
}

TEST(FastMlp, SoftUpdateAveragesTowardsOnline) {
  Rng rng(3);
  FastMlp online(2, {4}, 1, Activation::kRelu), target(2, {4}, 1, Activation::kRelu);
  online.InitFanInUniform(rng);
  target.InitFanInUniform(rng);
  const torch::Tensor expected = 0.25 * online.params() + 0.75 * target.params();
  target.SoftUpdateFrom(online, 0.25);
  EXPECT_TRUE(torch::allclose(target.params(), expected));
  FastMlp copy(online);
  EXPECT_TRUE(torch::equal(copy.params(), online.params()));
  EXPECT_NE(copy.params().data_ptr(), online.params().data_ptr());
}

TEST(FlatAdam, MatchesTorchAdamOverSeveralSteps) {
  torch::manual_seed(5);
  torch::Tensor p = torch::randn({10});
  torch::Tensor g = torch::zeros({10});
  torch::Tensor ref = p.clone().set_requires_grad(true);
  FlatAdam adam(p, g, {.lr = 0.01, .eps = 1e-5});
  torch::optim::Adam torch_adam({ref}, torch::optim::AdamOptions(0.01).eps(1e-5));
  for (int step = 0; step < 5; ++step) {
    const torch::Tensor grad = torch::randn({10});
    g.copy_(grad);
    adam.Step();
    ref.mutable_grad() = grad.clone();
    torch_adam.step();
  }
  EXPECT_TRUE(torch::allclose(p, ref.detach(), 1e-6, 1e-6));
  EXPECT_EQ(adam.steps(), 5);
}

TEST(ClipGradNorm, ScalesJointNormLikeTorch) {
  torch::Tensor a = torch::tensor({3.0f, 0.0f}), b = torch::tensor({4.0f});
  const std::vector<torch::Tensor> grads = {a, b};
  EXPECT_NEAR(ClipGradNorm(grads, 0.5), 5.0, 1e-9);
  EXPECT_NEAR(std::sqrt((a * a).sum().item<double>() + (b * b).sum().item<double>()), 0.5, 1e-6);
  torch::Tensor c = torch::tensor({0.1f});
  const std::vector<torch::Tensor> small = {c};
  ClipGradNorm(small, 1.0);
  EXPECT_FLOAT_EQ(c.item<float>(), 0.1f);
}

}  // namespace
}  // namespace rlab::models

namespace rlab::models {
namespace {

TEST(FastMath, TanhMatchesLibmEverywhere) {
  std::vector<float> xs;
  for (float x = -12.0f; x <= 12.0f; x += 0.00137f) xs.push_back(x);
  xs.insert(xs.end(), {0.0f, -0.0f, 1e-30f, -1e-8f, 0.2499999f, 0.25f, 100.0f, -1e30f});
  std::vector<float> ys = xs;
  TanhInPlace(ys.data(), static_cast<int64_t>(ys.size()));
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double ref = std::tanh(static_cast<double>(xs[i]));
    // Relative error near 0 (where tanh(x) ~ x is tiny), absolute error elsewhere.
    const double scale = std::abs(xs[i]) < 1.0f ? std::max(std::abs(ref), 1e-30) : 1.0;
    worst = std::max(worst, std::abs(ys[i] - ref) / scale);
  }
  EXPECT_LT(worst, 4e-7);
  EXPECT_EQ(ys[xs.size() - 2], 1.0f);
  EXPECT_EQ(ys.back(), -1.0f);
}

}  // namespace
}  // namespace rlab::models
