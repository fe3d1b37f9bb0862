// FusedAdamW against libtorch's AdamW: the same trajectory (to float rounding), the same
// handling of parameters without gradients, and optimiser states that load into each other;
// ClipGradientNorm against libtorch's clip_grad_norm_.
#include "rlab/models/optim/fused_adamw.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

#include "numeric_support.h"

namespace rlab::models {
namespace {

using rlab::testing::MaxAbsDiff;

// Float rounding differs (one pass against eight), so trajectories agree to 1e-5 over steps
// that move the parameters by more than 0.05.
// Parameters large enough to be split over cores, a small one, and one left without a
// gradient in every step.
std::vector<torch::Tensor> MakeParameters(torch::ScalarType dtype = torch::kFloat32) {
  torch::manual_seed(21);
  return {torch::randn({300, 257}, dtype).requires_grad_(true),
          torch::randn({7}, dtype).requires_grad_(true),
          torch::randn({5, 3}, dtype).requires_grad_(true)};
}

// Gradients of a fixed loss of the first two parameters; the third gets none.
void Backward(const std::vector<torch::Tensor>& params, int step) {
  const torch::Tensor loss =
      (params[0].sin() * (1.0 + step)).pow(2).sum() + (params[1] * params[1].cos()).sum();
  loss.backward();
}

template <typename Optimizer>
std::vector<torch::Tensor> Train(Optimizer& optimizer, std::vector<torch::Tensor> params,
                                 int steps) {
  for (int s = 0; s < steps; ++s) {
    ClearGradients(optimizer);
    Backward(params, s);
    optimizer.step();
  }
  return params;
}

torch::optim::AdamWOptions Options() {
  return torch::optim::AdamWOptions(0.01).betas({0.8, 0.95}).weight_decay(0.1).eps(1e-6);
}

TEST(FusedAdamW, FollowsLibtorchsAdamW) {
  auto fused_params = MakeParameters(), plain_params = MakeParameters();
  FusedAdamW fused(fused_params, Options());
  torch::optim::AdamW plain(plain_params, Options());
  const auto a = Train(fused, fused_params, 20);
  const auto b = Train(plain, plain_params, 20);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(MaxAbsDiff(a[i], b[i]), 1e-5) << "parameter " << i;
  }
  // Twenty steps of lr 0.01 moved the trained parameters, and left the third as it was.
  EXPECT_GT(MaxAbsDiff(a[0], MakeParameters()[0]), 0.05);
  EXPECT_TRUE(torch::equal(a[2], MakeParameters()[2]));
}

TEST(FusedAdamW, StatesLoadIntoEachOther) {
  auto params = MakeParameters();
  FusedAdamW fused(params, Options());
  Train(fused, params, 5);
  std::stringstream saved;
  {
    torch::serialize::OutputArchive archive;
    fused.save(archive);
    archive.save_to(saved);
  }
  auto copy = std::vector<torch::Tensor>{};
  for (const auto& p : params) copy.push_back(p.detach().clone().requires_grad_(true));
  torch::optim::AdamW plain(copy, Options());
  {
    torch::serialize::InputArchive archive;
    archive.load_from(saved);
    plain.load(archive);
  }
  const auto a = Train(fused, params, 5);
  const auto b = Train(plain, copy, 5);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(MaxAbsDiff(a[i], b[i]), 1e-5) << "parameter " << i;
  }
}

TEST(FusedAdamW, OtherDtypesTakeLibtorchsStep) {
  auto fused_params = MakeParameters(torch::kFloat64),
       plain_params = MakeParameters(torch::kFloat64);
  FusedAdamW fused(fused_params, Options());
  torch::optim::AdamW plain(plain_params, Options());
  const auto a = Train(fused, fused_params, 3);
  const auto b = Train(plain, plain_params, 3);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
}

TEST(ClipGradientNorm, MatchesLibtorchsClipping) {
  for (const double max_norm : {0.5, 1e6}) {  // clipping, and a bound the norm stays under
    auto ours = MakeParameters(), theirs = MakeParameters();
    Backward(ours, 3);
    Backward(theirs, 3);
    const double a = ClipGradientNorm(ours, max_norm);
    const double b = torch::nn::utils::clip_grad_norm_(theirs, max_norm);
    EXPECT_NEAR(a, b, 1e-5 * b);
    EXPECT_GT(a, 1.0);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_LT(MaxAbsDiff(ours[i].grad(), theirs[i].grad()), 1e-5 * a) << "parameter " << i;
    }
    EXPECT_FALSE(ours[2].grad().defined());
  }
}

TEST(ClearGradients, LeavesNoGradient) {
  auto params = MakeParameters();
  FusedAdamW optimizer(params, Options());
  Backward(params, 0);
  ASSERT_TRUE(params[0].grad().defined());
  ClearGradients(optimizer);
  for (const auto& p : params) EXPECT_FALSE(p.grad().defined());
}

}  // namespace
}  // namespace rlab::models
