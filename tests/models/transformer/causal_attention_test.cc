// The blocked causal attention against the plain masked computation: outputs and the three
// gradients, for lengths below, at and across its block size.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "numeric_support.h"
#include "rlab/models/transformer/causal_attention.h"

namespace rlab::models {
namespace {

using rlab::testing::MaxAbsDiff;

struct Grads {
  torch::Tensor out, dq, dk, dv;
};

template <typename AttentionFn>
Grads RunAttention(AttentionFn attention, const torch::Tensor& q0, const torch::Tensor& k0,
                   const torch::Tensor& v0, const torch::Tensor& upstream) {
  const torch::Tensor q = q0.clone().requires_grad_(true), k = k0.clone().requires_grad_(true),
                      v = v0.clone().requires_grad_(true);
  const torch::Tensor out = attention(q, k, v);
  (out * upstream).sum().backward();
  return {out.detach(), q.grad(), k.grad(), v.grad()};
}

torch::Tensor Reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        double scale) {
  const int64_t T = q.size(2);
  const torch::Tensor future = torch::ones({T, T}, torch::kBool).triu(1);
  const torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  const double minus_inf = -std::numeric_limits<double>::infinity();
  return torch::matmul(torch::softmax(scores.masked_fill(future, minus_inf), -1), v);
}

class CausalAttentionTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(CausalAttentionTest, MatchesTheMaskedComputationAndItsGradients) {
  const int64_t T = GetParam(), B = 2, H = 3, Dh = 16;
  torch::manual_seed(11 + T);
  const torch::Tensor q = torch::randn({B, H, T, Dh}), k = torch::randn({B, H, T, Dh}),
                      v = torch::randn({B, H, T, Dh}), upstream = torch::randn({B, H, T, Dh});
  const double scale = 0.25;
  const Grads fused =
      RunAttention([&](auto& a, auto& b, auto& c) { return CausalAttention(a, b, c, scale); }, q, k,
                   v, upstream);
  const Grads ref = RunAttention(
      [&](auto& a, auto& b, auto& c) { return Reference(a, b, c, scale); }, q, k, v, upstream);
  EXPECT_LT(MaxAbsDiff(fused.out, ref.out), 2e-5);
  EXPECT_LT(MaxAbsDiff(fused.dq, ref.dq), 2e-5);
  EXPECT_LT(MaxAbsDiff(fused.dk, ref.dk), 2e-5);
  EXPECT_LT(MaxAbsDiff(fused.dv, ref.dv), 2e-5);
}

// 1 and 5: one partial block; 64: exactly one; 150: two whole blocks and a partial one.
INSTANTIATE_TEST_SUITE_P(Lengths, CausalAttentionTest, ::testing::Values(1, 5, 64, 150));

// GPT-2's block hands over views of one packed projection [B, T, 3 H Dh] (rows 3 H Dh floats
// apart, heads Dh apart) and merges the heads of the result with a view: the kernel reads and
// writes those layouts in place, and must give the same values and gradients as for copies.
TEST(CausalAttention, ReadsStridedHeadsOfAPackedProjection) {
  const int64_t B = 2, H = 3, T = 70, Dh = 8;
  torch::manual_seed(14);
  const torch::Tensor packed0 = torch::randn({B, T, 3 * H * Dh});
  const torch::Tensor upstream = torch::randn({B, T, H * Dh});
  const auto run = [&](bool copy_heads) {
    const torch::Tensor packed = packed0.clone().requires_grad_(true);
    std::vector<torch::Tensor> qkv = packed.chunk(3, -1);
    for (torch::Tensor& t : qkv) {
      t = t.view({B, T, H, Dh}).transpose(1, 2);
      if (copy_heads) t = t.contiguous();
    }
    const torch::Tensor out = CausalAttention(qkv[0], qkv[1], qkv[2], 0.3);
    const torch::Tensor merged = out.transpose(1, 2).reshape({B, T, H * Dh});
    (merged * upstream).sum().backward();
    return std::make_pair(merged.detach(), packed.grad());
  };
  const auto [out_strided, grad_strided] = run(false);
  const auto [out_copied, grad_copied] = run(true);
  EXPECT_LT(MaxAbsDiff(out_strided, out_copied), 1e-6);
  EXPECT_LT(MaxAbsDiff(grad_strided, grad_copied), 1e-6);
  EXPECT_GT(grad_strided.abs().sum().item<double>(), 1.0);
}

TEST(CausalAttention, AFutureKeyChangesNoEarlierOutput) {
  torch::manual_seed(12);
  const int64_t T = 130;
  torch::Tensor q = torch::randn({1, 2, T, 8}), k = torch::randn({1, 2, T, 8}),
                v = torch::randn({1, 2, T, 8});
  const torch::Tensor before = CausalAttention(q, k, v, 0.3);
  k.index_put_({0, 0, 100}, 50.0);
  v.index_put_({0, 0, 100}, -50.0);
  const torch::Tensor after = CausalAttention(q, k, v, 0.3);
  using torch::indexing::Slice;
  EXPECT_TRUE(
      torch::equal(before.index({0, 0, Slice(0, 100)}), after.index({0, 0, Slice(0, 100)})));
  EXPECT_GT(MaxAbsDiff(before.index({0, 0, Slice(100)}), after.index({0, 0, Slice(100)})), 1e-3);
}

TEST(CausalAttention, DoublePrecisionTakesTheMaskedComputation) {
  torch::manual_seed(13);
  const torch::Tensor q = torch::randn({1, 1, 9, 4}, torch::kFloat64),
                      k = torch::randn({1, 1, 9, 4}, torch::kFloat64),
                      v = torch::randn({1, 1, 9, 4}, torch::kFloat64);
  EXPECT_LT(MaxAbsDiff(CausalAttention(q, k, v, 0.5), Reference(q, k, v, 0.5)), 1e-12);
}

}  // namespace
}  // namespace rlab::models
