// The fused GELU and attention softmax against libtorch's own operators: values and
// gradients, the mask's broadcast, rows with nothing to attend to, and the fallback for
// tensors the kernels do not take.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "numeric_support.h"
#include "rlab/models/transformer/fused_activations.h"

namespace rlab::models {
namespace {

using rlab::testing::MaxAbsDiff;

// |a - b| / (1 + |b|): absolute near zero, relative for the larger gradients.
double MaxScaledDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs() / (1 + b.abs())).max().item<double>();
}

// The composition the fused softmax replaces.
torch::Tensor ReferenceSoftmax(const torch::Tensor& scores, const torch::Tensor& allowed,
                               double scale) {
  return torch::softmax(
      (scores * scale).masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest()),
      -1);
}

TEST(GeluTanh, MatchesLibtorchValuesAndGradientsOverTheWholeRange) {
  torch::manual_seed(3);
  // Wide values (the tails saturate), small ones (tanh's series branch) and exact zeros.
  const torch::Tensor base =
      torch::cat({torch::randn({4000}) * 4, torch::randn({1000}) * 0.05, torch::zeros({7})});
  const torch::Tensor upstream = torch::randn({5007});
  const torch::Tensor x = base.clone().requires_grad_(true);
  const torch::Tensor y = GeluTanh(x);
  (y * upstream).sum().backward();
  const torch::Tensor x_ref = base.clone().requires_grad_(true);
  const torch::Tensor y_ref = torch::gelu(x_ref, "tanh");
  (y_ref * upstream).sum().backward();
  EXPECT_LT(MaxScaledDiff(y, y_ref), 1e-6);
  // Float tanh is good to about 1e-7 absolute near +-1; the derivative multiplies that by
  // x (1 + 3 k x^2) sqrt(2/pi), up to about 10 here, and by the upstream gradient.
  EXPECT_LT(MaxScaledDiff(x.grad(), x_ref.grad()), 5e-6);
  EXPECT_EQ(y.sizes(), base.sizes());
}

TEST(GeluTanh, TakesNonContiguousInputAndKeepsItsShape) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::randn({6, 5}).t();  // [5, 6], not contiguous
  EXPECT_LT(MaxAbsDiff(GeluTanh(x), torch::gelu(x, "tanh")), 2e-6);
  EXPECT_EQ(GeluTanh(x).sizes(), x.sizes());
}

TEST(GeluTanh, DoublePrecisionTakesLibtorchsOperator) {
  const torch::Tensor x = torch::linspace(-5, 5, 101, torch::kFloat64);
  EXPECT_TRUE(torch::equal(GeluTanh(x), torch::gelu(x, "tanh")));
}

TEST(MaskedScaledSoftmax, MatchesTheMaskedSoftmaxWithACausalMaskBroadcastOverTheBatch) {
  torch::manual_seed(5);
  const int64_t B = 2, H = 3, T = 37;  // T not a multiple of the kernels' lane count
  const torch::Tensor scores = torch::randn({B, H, T, T}) * 6;
  const torch::Tensor allowed = torch::ones({T, T}, torch::kBool).tril().view({1, 1, T, T});
  const torch::Tensor upstream = torch::randn({B, H, T, T});
  const double scale = 0.125;

  const torch::Tensor s = scores.clone().requires_grad_(true);
  const torch::Tensor p = MaskedScaledSoftmax(s, allowed, scale);
  (p * upstream).sum().backward();
  const torch::Tensor s_ref = scores.clone().requires_grad_(true);
  const torch::Tensor p_ref = ReferenceSoftmax(s_ref, allowed, scale);
  (p_ref * upstream).sum().backward();

  EXPECT_LT(MaxAbsDiff(p, p_ref), 1e-6);
  EXPECT_LT(MaxAbsDiff(s.grad(), s_ref.grad()), 1e-6);
  // The future gets exactly nothing, and no gradient.
  const torch::Tensor future = allowed.logical_not().expand({B, H, T, T});
  EXPECT_EQ(p.masked_select(future).abs().max().item<float>(), 0.0f);
  EXPECT_EQ(s.grad().masked_select(future).abs().max().item<float>(), 0.0f);
}

TEST(MaskedScaledSoftmax, PaddedRowsGetUniformWeightsAndNoGradientAsTheReferenceDoes) {
  torch::manual_seed(6);
  const int64_t B = 2, H = 2, T = 5, S = 21;
  // Row b: keys 0..pad_b-1 are left padding; query 0 of batch 1 sees nothing at all.
  torch::Tensor key_real = torch::ones({B, S}, torch::kBool);
  key_real.index_put_({1, torch::indexing::Slice(0, 17)}, false);
  torch::Tensor causal = torch::ones({T, S}, torch::kBool).tril(S - T);
  const torch::Tensor allowed = causal.view({1, 1, T, S}) & key_real.view({B, 1, 1, S});
  const torch::Tensor scores = torch::randn({B, H, T, S}) * 3;
  const torch::Tensor upstream = torch::randn({B, H, T, S});

  const torch::Tensor s = scores.clone().requires_grad_(true);
  const torch::Tensor p = MaskedScaledSoftmax(s, allowed, 0.5);
  (p * upstream).sum().backward();
  const torch::Tensor s_ref = scores.clone().requires_grad_(true);
  const torch::Tensor p_ref = ReferenceSoftmax(s_ref, allowed, 0.5);
  (p_ref * upstream).sum().backward();

  EXPECT_LT(MaxAbsDiff(p, p_ref), 1e-6);
  EXPECT_LT(MaxAbsDiff(s.grad(), s_ref.grad()), 1e-6);
  ASSERT_FALSE(allowed[1][0][0].any().item<bool>());  // the row with nothing allowed
  EXPECT_LT(MaxAbsDiff(p[1][0][0], torch::full({S}, 1.0 / S)), 1e-7);
}

TEST(MaskedScaledSoftmax, AMaskBroadcastAlongItsRowsIsReadCorrectly) {
  torch::manual_seed(8);
  const int64_t T = 6, S = 9;
  // allowed [T, 1]: row t is all allowed or all masked, broadcast along the keys (stride 0).
  const torch::Tensor allowed = torch::tensor({1, 0, 1, 1, 0, 1}, torch::kBool).view({T, 1});
  const torch::Tensor scores = torch::randn({2, 3, T, S}) * 2;
  EXPECT_LT(
      MaxAbsDiff(MaskedScaledSoftmax(scores, allowed, 0.7), ReferenceSoftmax(scores, allowed, 0.7)),
      1e-6);
}

TEST(MaskedScaledSoftmax, DoublePrecisionTakesTheReferenceComposition) {
  torch::manual_seed(7);
  const torch::Tensor scores = torch::randn({1, 2, 4, 4}, torch::kFloat64);
  const torch::Tensor allowed = torch::ones({4, 4}, torch::kBool).tril().view({1, 1, 4, 4});
  EXPECT_TRUE(torch::equal(MaskedScaledSoftmax(scores, allowed, 0.3),
                           ReferenceSoftmax(scores, allowed, 0.3)));
}

}  // namespace
}  // namespace rlab::models
