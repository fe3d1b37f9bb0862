#include "rlab/reward/signal/process_rewards/implicit_process_reward.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/models/generation/completion_logprobs.h"
#include "rlab/models/optim/fused_adamw.h"

namespace rlab::reward {

torch::Tensor ImplicitTokenRewards(models::Transformer& phi, models::Transformer& reference,
                                   const models::GenerationOutput& out, double temperature,
                                   double beta) {
  torch::Tensor ref_logp;  // [N, T]
  {
    torch::NoGradGuard no_grad;
    ref_logp = models::CompletionLogProbs(reference, out, temperature);
  }
  const torch::Tensor logp = models::CompletionLogProbs(phi, out, temperature);  // [N, T]
  return beta * (logp - ref_logp) * out.mask.to(logp.scalar_type());
}

ProcessRewards SumPerStep(const torch::Tensor& token_rewards, const ProcessRewardBatch& batch,
                          const models::Tokenizer& tokenizer, const data::StepTruth& steps) {
  const torch::Tensor rewards = token_rewards.detach().to(torch::kFloat32).contiguous();  // [N, T]
  const int64_t n = rewards.size(0), width = rewards.size(1);
  RLAB_CHECK(static_cast<int64_t>(batch.completions.size()) == n,
             "implicit process rewards: {} completions for {} generated rows",
             batch.completions.size(), n);
  ProcessRewards placed{torch::zeros({n, width}, torch::kFloat32),
                        torch::zeros({n, width}, torch::kBool)};
  const auto token = rewards.accessor<float, 2>();
  auto out = placed.rewards.accessor<float, 2>();
  auto positions = placed.positions.accessor<bool, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> ids = batch.out.Completion(i);
    if (ids.empty()) continue;
    std::vector<int64_t> ends = StepEndTokens(tokenizer, ids, steps.StepEnds(batch.completions[i]));
    const int64_t last = static_cast<int64_t>(ids.size()) - 1;
    if (ends.empty()) ends.push_back(last);
    std::size_t k = 0;  // the step token t belongs to; the tail joins the last step
    for (int64_t t = 0; t <= last; ++t) {
      while (k + 1 < ends.size() && t > ends[k]) ++k;
      out[i][ends[k]] += token[i][t];
    }
    for (const int64_t e : ends) positions[i][e] = true;
  }
  return placed;
}

models::Transformer CopyTransformer(const models::Transformer& model) {
  const std::string generator = TorchRngState();
  models::Transformer copy(model->config());  // its initial draws are overwritten below
  SetTorchRngState(generator);
  torch::NoGradGuard no_grad;
  const auto source = model->named_parameters();
  for (auto& p : copy->named_parameters()) p.value().copy_(source[p.key()]);
  const auto source_buffers = model->named_buffers();
  for (auto& b : copy->named_buffers()) b.value().copy_(source_buffers[b.key()]);
  copy->to(model->parameters().front().device());
  return copy;
}

KeyDoc ImplicitBetaKey() {
  return {"beta", "0.05", "scale of the log-ratio log pi_phi / pi_ref (the DPO or PRM beta)"};
}

KeyDoc ImplicitLevelKey() {
  return {"per", "token",
          "token: a reward on every completion token; step: each step's sum on its last token"};
}

KeyDoc ImplicitLearningRateKey() {
  return {"lr", "1e-4", "learning rate of pi_phi's AdamW (one step per batch)"};
}

bool ImplicitPerStep(const SpecArgs& args) {
  const std::string per = args.Get<std::string>("per");
  RLAB_CHECK(per == "token" || per == "step",
             "process reward source '{}': key 'per' must be token or step, got '{}'", args.name(),
             per);
  return per == "step";
}

double ImplicitBeta(const SpecArgs& args) {
  const double beta = args.Get<double>("beta");
  RLAB_CHECK(beta > 0 && std::isfinite(beta),
             "process reward source '{}': key 'beta' must be a finite number > 0, got {}",
             args.name(), beta);
  return beta;
}

ImplicitRewardSource::ImplicitRewardSource(const ProcessRewardContext& context,
                                           models::Transformer phi, double beta, bool per_step,
                                           std::string description)
    : context_(context),
      phi_(std::move(phi)),
      beta_(beta),
      per_step_(per_step),
      description_(std::move(description)) {
  RLAB_CHECK(context_.reference && context_.tokenizer,
             "{}: needs the run's reference model and tokenizer", description_);
  RLAB_CHECK(phi_->config().vocab_size == context_.reference->config().vocab_size,
             "{}: the model has a vocabulary of {} tokens but the policy's reference has {}; "
             "give a model trained from the same start",
             description_, phi_->config().vocab_size, context_.reference->config().vocab_size);
  RLAB_CHECK(!per_step_ || (context_.task && context_.task->Steps()),
             "{}: per=step needs a task with steps (such as task:chain); use per=token",
             description_);
  phi_->eval();  // no dropout in the reward's forward passes
}

ImplicitRewardSource::ImplicitRewardSource(const ProcessRewardContext& context,
                                           const std::string& name, double beta, double lr,
                                           bool per_step)
    : ImplicitRewardSource(
          context, CopyTransformer(context.reference), beta, per_step,
          fmt::format("{}(beta={}, lr={}, per={})", name, beta, lr, per_step ? "step" : "token")) {
  MakeTrainable(lr);
}

ProcessRewards ImplicitRewardSource::Score(const ProcessRewardBatch& batch) const {
  torch::NoGradGuard no_grad;
  models::Transformer phi = phi_, reference = context_.reference;
  const torch::Tensor tokens =
      ImplicitTokenRewards(phi, reference, batch.out, context_.temperature, beta_);  // [N, T]
  if (per_step_) return SumPerStep(tokens, batch, *context_.tokenizer, *context_.task->Steps());
  return {tokens.to(torch::kFloat32), batch.out.mask.to(torch::kBool)};
}

std::string ImplicitRewardSource::Describe() const { return description_; }

torch::Tensor ImplicitRewardSource::SequenceRewards(const ProcessRewardBatch& batch) {
  models::Transformer reference = context_.reference;
  return ImplicitTokenRewards(phi_, reference, batch.out, context_.temperature, beta_).sum(1);
}

void ImplicitRewardSource::MakeTrainable(double learning_rate) {
  RLAB_CHECK(learning_rate > 0 && std::isfinite(learning_rate),
             "{}: key 'lr' must be a finite number > 0, got {}", description_, learning_rate);
  optimizer_ = std::make_unique<models::FusedAdamW>(
      phi_->parameters(), torch::optim::AdamWOptions(learning_rate).weight_decay(0.0));
}

double ImplicitRewardSource::Descend(const torch::Tensor& loss) {
  RLAB_CHECK(optimizer_, "{}: learns nothing", description_);
  models::ClearGradients(*optimizer_);
  loss.backward();
  const double norm = models::ClipGradientNorm(phi_->parameters(), 1.0);
  optimizer_->step();
  return norm;
}

void ImplicitRewardSource::AddState(CheckpointState& state) const {
  if (!optimizer_) return;  // a fixed model is read again from its directory
  state.AddModule("implicit_prm", phi_.ptr());
  state.AddOptimizer("implicit_prm_optimizer", optimizer_.get());
}

}  // namespace rlab::reward
