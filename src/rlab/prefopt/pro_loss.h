// Preference Ranking Optimization (Song et al., "Preference Ranking Optimization for Human
// Alignment", arXiv:2306.17492) for ranked lists y_1 > y_2 > ... > y_K: the Plackett-Luce loss
// over the policy's length-normalised log-probs s_k = log pi(y_k | x) / |y_k|,
//   -sum_{k < K} log(e^{s_k} / sum_{j >= k} e^{s_j}),
// plus sft_weight times the per-token negative log-likelihood of the best response (the
// paper's SFT term). The paper's reward-gap temperature is left out. Mean over the batch.
#pragma once

#include <torch/types.h>

namespace rlab::prefopt {

// logps [B, K] summed completion log-probs, best first; tokens [B, K] completion lengths.
torch::Tensor ProLoss(const torch::Tensor& logps, const torch::Tensor& tokens, double sft_weight);

}  // namespace rlab::prefopt
