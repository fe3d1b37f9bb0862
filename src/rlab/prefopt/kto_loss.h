// The KTO loss for unpaired feedback (Ethayarajh et al., "KTO: Model Alignment as Prospect
// Theoretic Optimization", arXiv:2402.01306), with TRL's KTOTrainer semantics: each completion
// is labelled desirable or undesirable, and with the log-ratio r = log pi(y|x) - log ref(y|x)
// and the reference point z = max(0, mean KL estimate), detached,
//   desirable    lambda_D (1 - sigmoid(beta (r - z)))
//   undesirable  lambda_U (1 - sigmoid(beta (z - r)))
// averaged over the batch. z is estimated from completions paired with other prompts than their
// own (the caller's mismatched pairs), as the paper does.
#pragma once

#include <torch/types.h>

namespace rlab::prefopt {

struct KtoOptions {
  double beta = 0.1;
  double desirable_weight = 1.0;    // lambda_D
  double undesirable_weight = 1.0;  // lambda_U
  void Validate() const;
};

struct KtoInputs {
  torch::Tensor logps, ref_logps;        // [B] summed completion log-probs
  torch::Tensor desirable;               // [B] bool: the label column
  torch::Tensor kl_logps, kl_ref_logps;  // [M] log-probs of mismatched (prompt, completion) pairs
};

struct KtoOutput {
  torch::Tensor loss;             // scalar
  torch::Tensor reference_point;  // z, scalar, detached
  torch::Tensor rewards;          // [B] beta r, detached
};

KtoOutput KtoLoss(const KtoInputs& inputs, const KtoOptions& options);

}  // namespace rlab::prefopt
