#include "rlab/search/token_value.h"

#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/models/generation/decode_loop.h"
#include "rlab/models/generation/model_stepper.h"
#include "rlab/models/generation/sampling.h"

namespace rlab::search {

torch::Tensor ValueAugmentedLogProbs(const torch::Tensor& base_logits, const torch::Tensor& q,
                                     double beta, double temperature, int64_t top_k) {
  RLAB_CHECK(base_logits.sizes() == q.sizes() && base_logits.dim() == 2,
             "value augmented sampling: base logits {} and values {} must both be [B, V]",
             base_logits.sizes(), q.sizes());
  const double t = temperature > 0 ? temperature : 1.0;
  models::SamplingOptions keep;
  keep.top_k = top_k;
  const torch::Tensor kept = models::TruncateLogits(base_logits.to(torch::kFloat32), keep);
  const torch::Tensor base = torch::log_softmax(kept / t, -1);  // [B, V], -inf off the top-k
  return torch::log_softmax(base + beta * q.to(torch::kFloat32), -1);
}

TokenValueModelImpl::TokenValueModelImpl(const models::Transformer& base) {
  backbone = register_module("backbone", models::Transformer(base->config()));
  head = register_module("head",
                         torch::nn::Linear(base->config().hidden_size, base->config().vocab_size));
  torch::NoGradGuard no_grad;
  const auto from = base->named_parameters();
  for (auto& p : backbone->named_parameters()) p.value().copy_(from[p.key()]);
  const auto from_buffers = base->named_buffers();
  for (auto& b : backbone->named_buffers()) b.value().copy_(from_buffers[b.key()]);
  head->weight.zero_();
  head->bias.zero_();
}

torch::Tensor TokenValueModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask,
                                           models::KvCache* cache) {
  return head(backbone->Hidden(ids, mask, cache));  // [B, S, V]
}

std::vector<double> FitTokenValue(TokenValueModel& value, const ValueSamples& samples,
                                  int64_t steps, int64_t batch_size, double learning_rate,
                                  at::Generator& generator) {
  const models::GenerationOutput& out = samples.out;
  const int64_t rows = out.tokens.size(0), prompt_len = out.prompts.ids.size(1);
  const int64_t n = out.tokens.size(1);
  RLAB_CHECK(samples.rewards.numel() == rows && rows >= 1 && n >= 1,
             "value fit: {} rewards for {} samples of {} tokens", samples.rewards.numel(), rows, n);
  RLAB_CHECK(steps >= 1 && batch_size >= 1 && learning_rate > 0,
             "value fit: steps and batch_size must be >= 1 and the learning rate > 0, got {}, {} "
             "and {}",
             steps, batch_size, learning_rate);
  const torch::Tensor ids = torch::cat({out.prompts.ids, out.tokens}, 1);  // [B, Tp + N]
  const torch::Tensor mask = torch::cat({out.prompts.mask, out.mask}, 1);  // [B, Tp + N]
  const torch::Tensor rewards = samples.rewards.to(torch::kFloat32);       // [B]
  torch::optim::Adam optimizer(value->parameters(), torch::optim::AdamOptions(learning_rate));
  value->train();
  std::vector<double> losses;
  for (int64_t s = 0; s < steps; ++s) {
    const torch::Tensor rows_taken =
        torch::randperm(rows, generator, torch::kInt64).slice(0, 0, std::min(batch_size, rows));
    const torch::Tensor q = value->forward(ids.index_select(0, rows_taken),
                                           mask.index_select(0, rows_taken));  // [b, S, V]
    // The value of each generated token, read after the position before it.
    const torch::Tensor taken = q.slice(1, prompt_len - 1, prompt_len - 1 + n)
                                    .gather(2, out.tokens.index_select(0, rows_taken).unsqueeze(2))
                                    .squeeze(2);                                          // [b, N]
    const torch::Tensor live = out.mask.index_select(0, rows_taken).to(torch::kFloat32);  // [b, N]
    const torch::Tensor target = rewards.index_select(0, rows_taken).unsqueeze(1);        // [b, 1]
    const torch::Tensor loss = ((taken - target).pow(2) * live).sum() / live.sum().clamp_min(1.0);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    losses.push_back(loss.item<double>());
  }
  value->eval();
  return losses;
}

namespace {

class ValueAugmentedStepper : public models::NextTokenLogits {
 public:
  ValueAugmentedStepper(models::Transformer& base, TokenValueModel& value, double beta,
                        int64_t top_k, const models::PaddedBatch& prompts,
                        const models::GenerationOptions& options)
      : base_(base, prompts, options),
        value_(value),
        mask_(prompts.mask),
        beta_(beta),
        top_k_(top_k),
        temperature_(options.sampling.temperature) {
    first_q_ = Last(value_->forward(prompts.ids, mask_, &cache_));
  }
  torch::Tensor First() override { return Combine(base_.First(), first_q_); }
  torch::Tensor Next(const std::vector<int64_t>& fed, const std::vector<uint8_t>& real) override {
    const auto long_options = torch::TensorOptions().dtype(torch::kInt64);
    const torch::Tensor fed_ids = torch::tensor(fed, long_options).unsqueeze(1);  // [B, 1]
    mask_ = torch::cat(
        {mask_,
         torch::tensor(std::vector<int64_t>(real.begin(), real.end()), long_options).unsqueeze(1)},
        1);  // [B, S + 1]
    const torch::Tensor q = Last(value_->forward(fed_ids, mask_, &cache_));
    return Combine(base_.Next(fed, real), q);
  }

 private:
  static torch::Tensor Last(const torch::Tensor& q) { return q.select(1, q.size(1) - 1); }
  torch::Tensor Combine(const torch::Tensor& base, const torch::Tensor& q) const {
    return ValueAugmentedLogProbs(base, q, beta_, temperature_, top_k_);
  }
  models::ModelStepper base_;
  TokenValueModel value_;
  models::KvCache cache_;
  torch::Tensor mask_;  // [B, S] everything the value model has seen
  torch::Tensor first_q_;
  double beta_;
  int64_t top_k_;
  double temperature_;
};

}  // namespace

models::GenerationOutput GenerateWithValue(models::Transformer& base, TokenValueModel& value,
                                           double beta, int64_t top_k,
                                           const std::vector<std::vector<int64_t>>& prompts,
                                           const models::GenerationOptions& options,
                                           at::Generator& generator) {
  options.Validate();
  RLAB_CHECK(top_k >= 0, "value augmented sampling: top_k must be >= 0, got {}", top_k);
  torch::NoGradGuard no_grad;
  const models::PaddedBatch batch = models::LeftPad(prompts, options.pad_token_id);
  ValueAugmentedStepper stepper(base, value, beta, top_k, batch, options);
  // The stepper's log-probabilities carry the temperature and the top-k already.
  models::SamplingOptions sampling = options.sampling;
  sampling.temperature = options.sampling.temperature > 0 ? 1.0 : 0.0;
  sampling.top_k = 0;
  return models::DecodeLoop(stepper, batch, options, sampling, generator);
}

}  // namespace rlab::search
