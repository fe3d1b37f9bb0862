#include "rlab/rl/step_credits/step_returns.h"

#include <torch/torch.h>

#include <limits>

#include "rlab/core/check.h"

namespace rlab::rl {

namespace {

// Along the token axis, from the last column back.
torch::Tensor ReverseCumsum(const torch::Tensor& x) { return x.flip(1).cumsum(1).flip(1); }

void CheckInputs(const StepCreditInputs& in) {
  RLAB_CHECK(in.mask.defined() && in.mask.dim() == 2, "step credit: mask must be [N, T]");
  RLAB_CHECK(in.process.rewards.defined() && in.process.rewards.sizes() == in.mask.sizes() &&
                 in.process.positions.sizes() == in.mask.sizes(),
             "step credit: process rewards and positions must be [N, T] = {}", in.mask.sizes());
  RLAB_CHECK(in.outcome_advantages.defined() && in.outcome_advantages.dim() == 1 &&
                 in.outcome_advantages.size(0) == in.mask.size(0),
             "step credit: outcome advantages must be [N] with N = {}", in.mask.size(0));
  RLAB_CHECK(in.group_size >= 1 && in.mask.size(0) % in.group_size == 0,
             "step credit: {} completions do not split into groups of {}", in.mask.size(0),
             in.group_size);
  RLAB_CHECK(torch::isfinite(in.process.rewards).all().item<bool>(),
             "step credit: a process reward is NaN or infinite");
}

class ReturnCredit : public StepCredit {
 public:
  ReturnCredit(std::string description, StepReturns returns, AfterLastStep after)
      : description_(std::move(description)), returns_(std::move(returns)), after_(after) {}
  torch::Tensor operator()(const StepCreditInputs& inputs) const override {
    CheckInputs(inputs);
    torch::NoGradGuard no_grad;
    return CreditAdvantages(inputs, returns_(inputs), after_);
  }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  StepReturns returns_;
  AfterLastStep after_;
};

}  // namespace

torch::Tensor SumFormReturns(const torch::Tensor& rewards, const torch::Tensor& positions) {
  const torch::Tensor placed = torch::where(positions, rewards, torch::zeros_like(rewards));
  return ReverseCumsum(placed.to(torch::kFloat32));  // [N, T]
}

torch::Tensor MinFormReturns(const torch::Tensor& rewards, const torch::Tensor& positions) {
  const double inf = std::numeric_limits<double>::infinity();
  const torch::Tensor values =
      torch::where(positions, rewards.to(torch::kFloat32), torch::full_like(rewards, inf));
  const torch::Tensor future_min = std::get<0>(values.flip(1).cummin(1)).flip(1);  // [N, T]
  return torch::where(torch::isinf(future_min), torch::zeros_like(future_min), future_min);
}

torch::Tensor CreditAdvantages(const StepCreditInputs& in, const torch::Tensor& returns,
                               AfterLastStep after) {
  const int64_t group = in.group_size, width = in.mask.size(1);
  const torch::Tensor mask = in.mask.to(torch::kFloat32);
  const torch::Tensor positions = in.process.positions.to(mask.device());
  const torch::Tensor has_steps = positions.any(1);  // [N]
  // [N, 1]: the column of each row's last rewarded token (0 for a row without one).
  const torch::Tensor columns = torch::arange(width, positions.options().dtype(torch::kInt64));
  const torch::Tensor last =
      torch::where(positions, columns, torch::zeros_like(columns)).amax(1, /*keepdim=*/true);
  torch::Tensor g = returns.to(mask.device(), torch::kFloat32);  // [N, T]
  const torch::Tensor after_last = (columns.unsqueeze(0) > last) & has_steps.unsqueeze(1);
  // The tokens after the last step take its return; a row without steps has none.
  g = torch::where(after_last, g.gather(1, last), g);
  g = torch::where(has_steps.unsqueeze(1), g, torch::zeros_like(g));
  const torch::Tensor whole = g.select(1, 0);                // [N] G_0
  const torch::Tensor grouped = whole.reshape({-1, group});  // [P, G]
  const torch::Tensor baseline =
      group > 1 ? ((grouped.sum(1, true) - grouped) / static_cast<double>(group - 1)).reshape({-1})
                : torch::zeros_like(whole);  // [N]
  const torch::Tensor outcome = in.outcome_advantages.to(mask.device(), torch::kFloat32);
  torch::Tensor process = g - baseline.unsqueeze(1);  // [N, T]
  if (after == AfterLastStep::kOutcomeOnly) {
    process = torch::where(after_last, torch::zeros_like(process), process);
  }
  return (outcome.unsqueeze(1) + process) * mask;  // [N, T]
}

std::unique_ptr<StepCredit> MakeReturnCredit(std::string description, StepReturns returns,
                                             AfterLastStep after) {
  return std::make_unique<ReturnCredit>(std::move(description), std::move(returns), after);
}

}  // namespace rlab::rl
