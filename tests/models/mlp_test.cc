#include "rlab/models/mlp.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/models/hidden_widths.h"
#include "test_support.h"

namespace rlab::models {
namespace {

TEST(Mlp, ShapesAndParameterCounts) {
  Mlp linear(4, std::vector<int64_t>{}, 1);
  EXPECT_EQ(linear->forward(torch::zeros({7, 4})).sizes(), (std::vector<int64_t>{7, 1}));
  EXPECT_EQ(linear->parameters().size(), 2u);  // weight and bias
  Mlp deep(4, std::vector<int64_t>{8, 16}, 3, std::string("tanh"));
  EXPECT_EQ(deep->forward(torch::zeros({2, 4})).sizes(), (std::vector<int64_t>{2, 3}));
  int64_t count = 0;
  for (const auto& p : deep->parameters()) count += p.numel();
  EXPECT_EQ(count, (4 * 8 + 8) + (8 * 16 + 16) + (16 * 3 + 3));
}

TEST(Mlp, LinearModelComputesWxPlusB) {
  Mlp m(2, std::vector<int64_t>{}, 1);
  torch::NoGradGuard no_grad;
  auto params = m->named_parameters();
  params["layers.0.weight"].copy_(torch::tensor({{2.0f, -1.0f}}));
  params["layers.0.bias"].fill_(0.5f);
  EXPECT_FLOAT_EQ(m->forward(torch::tensor({{1.0f, 3.0f}})).item<float>(), 2 - 3 + 0.5f);
}

TEST(Mlp, BadArgumentsAreErrors) {
  EXPECT_THROW(Mlp(0, std::vector<int64_t>{}, 1), Error);
  EXPECT_THROW(Mlp(2, std::vector<int64_t>{0}, 1), Error);
  EXPECT_THROW(Mlp(2, std::vector<int64_t>{4}, 1, std::string("gelu")), Error);
}

}  // namespace
}  // namespace rlab::models

namespace rlab::models {
namespace {

TEST(HiddenWidths, ANonPositiveWidthIsAnErrorNamingTheKeyAndTheList) {
  EXPECT_NO_THROW(CheckHiddenWidths({}, "model.hidden"));  // a linear model
  EXPECT_NO_THROW(CheckHiddenWidths({64, 1}, "model.hidden"));
  for (const std::vector<int64_t>& bad : {std::vector<int64_t>{64, -1}, {0}}) {
    const std::string e = testing::ErrorOf([&] { CheckHiddenWidths(bad, "model.hidden"); });
    EXPECT_NE(e.find("model.hidden must list widths >= 1, got ["), std::string::npos) << e;
  }
  EXPECT_NE(testing::ErrorOf([] {
              Mlp(3, std::vector<int64_t>{4, 0}, 1);
            }).find("got [4, 0]"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::models
