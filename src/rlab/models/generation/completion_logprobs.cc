#include "rlab/models/generation/completion_logprobs.h"

#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::models {

torch::Tensor CompletionLogProbs(Transformer& model, const GenerationOutput& out,
                                 double temperature, torch::Tensor* entropy) {
  RLAB_CHECK(temperature > 0, "completion log-probs: temperature must be > 0, got {}", temperature);
  const int64_t prompt_len = out.prompts.ids.size(1), n = out.tokens.size(1);
  if (n == 0) {
    if (entropy != nullptr) *entropy = torch::zeros({out.tokens.size(0), 0});
    return torch::zeros({out.tokens.size(0), 0});
  }
  const torch::Tensor ids = torch::cat({out.prompts.ids, out.tokens}, 1);
  const torch::Tensor attention = torch::cat({out.prompts.mask, out.mask}, 1);
  // Only the positions that predict a completion token go through the output layer: the
  // last prompt position and all but the last completion position.
  const torch::Tensor hidden =
      model->Hidden(ids, attention).slice(1, prompt_len - 1, prompt_len + n - 1);
  torch::Tensor logits = model->Logits(hidden);
  if (temperature != 1.0) logits = logits / temperature;
  const torch::Tensor all = torch::log_softmax(logits, -1);
  const torch::Tensor mask = out.mask.to(all.scalar_type());
  if (entropy != nullptr) {
    torch::NoGradGuard no_grad;
    *entropy = -(all.exp() * all).sum(-1) * mask;
  }
  return all.gather(-1, out.tokens.unsqueeze(-1)).squeeze(-1) * mask;
}

}  // namespace rlab::models
