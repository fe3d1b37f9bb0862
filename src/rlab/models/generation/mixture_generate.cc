#include "rlab/models/generation/mixture_generate.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/models/generation/decode_loop.h"
#include "rlab/models/generation/model_stepper.h"

namespace rlab::models {

torch::Tensor MixtureLogProbs(const torch::Tensor& policy_logits,
                              const torch::Tensor& reference_logits, double alpha,
                              double temperature) {
  const double t = temperature > 0 ? temperature : 1.0;
  const torch::Tensor policy = torch::log_softmax(policy_logits.to(torch::kFloat32) / t, -1);
  const torch::Tensor reference = torch::log_softmax(reference_logits.to(torch::kFloat32) / t, -1);
  return torch::log_softmax((1 - alpha) * policy + alpha * reference, -1);  // [B, V]
}

namespace {

class MixtureStepper : public NextTokenLogits {
 public:
  MixtureStepper(Transformer& policy, Transformer& reference, double alpha,
                 const PaddedBatch& prompts, const GenerationOptions& options)
      : policy_(policy, prompts, options),
        reference_(reference, prompts, options),
        alpha_(alpha),
        temperature_(options.sampling.temperature) {}
  torch::Tensor First() override { return Mix(policy_.First(), reference_.First()); }
  torch::Tensor Next(const std::vector<int64_t>& fed, const std::vector<uint8_t>& real) override {
    return Mix(policy_.Next(fed, real), reference_.Next(fed, real));
  }

 private:
  torch::Tensor Mix(const torch::Tensor& policy, const torch::Tensor& reference) const {
    return MixtureLogProbs(policy, reference, alpha_, temperature_);
  }
  ModelStepper policy_, reference_;
  double alpha_, temperature_;
};

}  // namespace

GenerationOutput GenerateFromMixture(Transformer& policy, Transformer& reference, double alpha,
                                     const std::vector<std::vector<int64_t>>& prompts,
                                     const GenerationOptions& options, at::Generator& generator) {
  options.Validate();
  RLAB_CHECK(alpha >= 0 && alpha <= 1, "mixture generation: alpha must be in [0, 1], got {}",
             alpha);
  RLAB_CHECK(policy->config().vocab_size == reference->config().vocab_size,
             "mixture generation: the policy's vocabulary ({}) and the reference's ({}) differ; "
             "the mixture needs one vocabulary",
             policy->config().vocab_size, reference->config().vocab_size);
  torch::NoGradGuard no_grad;  // as Generate: the tokens may feed training steps later
  const PaddedBatch batch = LeftPad(prompts, options.pad_token_id);
  MixtureStepper stepper(policy, reference, alpha, batch, options);
  // The stepper's log-probabilities already carry the temperature.
  SamplingOptions sampling = options.sampling;
  sampling.temperature = options.sampling.temperature > 0 ? 1.0 : 0.0;
  return DecodeLoop(stepper, batch, options, sampling, generator);
}

}  // namespace rlab::models
