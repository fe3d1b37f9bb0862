// The implicit process reward that implicit(...), prime(...) and oprl(...) share: a model pi_phi
// beside the frozen reference pi_ref whose log-ratio is a reward on every token,
//   r_t = beta * log pi_phi(y_t | x, y_<t) / pi_ref(y_t | x, y_<t),
// so that the sequence's reward beta * sum_t log pi_phi / pi_ref is the outcome reward a
// preference- or outcome-trained pi_phi implies (Rafailov et al., "From r to Q*: Your Language
// Model is Secretly a Q-Function", arXiv:2404.12358; Yuan et al., "Free Process Rewards without
// Process Labels", arXiv:2412.01981). `per=token` leaves the rewards on every completion token
// (the papers' form); `per=step` sums each step's tokens onto its last token (the task's
// StepTruth splits the steps; tokens after the last step count with it, so that the steps' sum
// is still the sequence's reward). The learning sources (PRIME, OPRL) keep an optimiser for
// pi_phi and checkpoint both.
#pragma once

#include <torch/optim/adamw.h>
#include <torch/types.h>

#include <memory>
#include <string>

#include "rlab/reward/signal/process_reward_source.h"

namespace rlab::reward {

// [N, T]: beta * (log pi_phi - log pi_ref) of each generated token, 0 off out.mask. Carries
// gradients into `phi` when they are enabled; the reference's side never does.
torch::Tensor ImplicitTokenRewards(models::Transformer& phi, models::Transformer& reference,
                                   const models::GenerationOutput& out, double temperature,
                                   double beta);

// Token rewards [N, T] summed per step of each completion onto the step's last token (the tail
// after the last step joins it; a completion without steps keeps its sum on its last token).
ProcessRewards SumPerStep(const torch::Tensor& token_rewards, const ProcessRewardBatch& batch,
                          const models::Tokenizer& tokenizer, const data::StepTruth& steps);

// A trainable copy of `model` (same configuration, parameters copied); libtorch's global
// generator is left as it was, so building one does not shift a run's later draws.
models::Transformer CopyTransformer(const models::Transformer& model);

// The keys every implicit source takes, with their defaults (written once, here).
KeyDoc ImplicitBetaKey();
KeyDoc ImplicitLevelKey();
KeyDoc ImplicitLearningRateKey();  // `lr`, for the sources that learn pi_phi
// Whether the spec's `per` asks for step sums (`step`) or token rewards (`token`).
bool ImplicitPerStep(const SpecArgs& args);
double ImplicitBeta(const SpecArgs& args);

class ImplicitRewardSource : public ProcessRewardSource {
 public:
  // `phi` must share the reference's vocabulary; `description` is what Describe() returns.
  ImplicitRewardSource(const ProcessRewardContext& context, models::Transformer phi, double beta,
                       bool per_step, std::string description);
  // A learning source `name`: pi_phi a copy of the reference, trained by AdamW at `lr`.
  ImplicitRewardSource(const ProcessRewardContext& context, const std::string& name, double beta,
                       double lr, bool per_step);
  ProcessRewards Score(const ProcessRewardBatch& batch) const override;
  std::string Describe() const override;
  // pi_phi and its optimiser, for a source that learns (a fixed pi_phi adds nothing).
  void AddState(CheckpointState& state) const override;

 protected:
  // [N]: beta * sum_t log pi_phi / pi_ref of each completion, with gradients into pi_phi.
  torch::Tensor SequenceRewards(const ProcessRewardBatch& batch);
  // One optimiser step of pi_phi on `loss` (gradients clipped to norm 1); learning sources
  // call MakeTrainable first. Returns the gradient norm before clipping.
  double Descend(const torch::Tensor& loss);
  void MakeTrainable(double learning_rate);

  ProcessRewardContext context_;
  models::Transformer phi_;
  double beta_;
  bool per_step_;
  std::string description_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;  // null for a fixed pi_phi
};

// The entry of a learning source `Source` (built by the learning constructor above), with the
// keys beta, lr and per.
template <class Source>
ProcessRewardRegistry::Entry LearningImplicitEntry(std::string name, std::string help) {
  return {std::move(name),
          std::move(help),
          {ImplicitBetaKey(), ImplicitLearningRateKey(), ImplicitLevelKey()},
          [](const SpecArgs& a, const ProcessRewardContext& context) {
            return std::make_unique<Source>(context, a.name(), ImplicitBeta(a), a.Get<double>("lr"),
                                            ImplicitPerStep(a));
          }};
}

}  // namespace rlab::reward
