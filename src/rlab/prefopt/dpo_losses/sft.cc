// `sft`: the negative log-likelihood of the chosen completions, with TRL's semantics: the mean
// over every chosen completion token of the batch (a token-weighted mean, not a mean of
// per-pair means),
//   -sum_i log pi(y_c,i) / sum_i |y_c,i|,
// the same value for every pair. Combined with sigmoid through loss_type and loss_weights it is
// the NLL term of RPO (Pang et al., "Iterative Reasoning Preference Optimization",
// arXiv:2404.19733), which TRL's loss list builds this way. Reference-free: the logged rewards
// are beta log pi.
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

namespace {

class ChosenNll : public DpoLoss {
 public:
  explicit ChosenNll(double beta) : beta_(beta) { RLAB_CHECK(beta > 0, "sft: beta must be > 0"); }
  bool NeedsReference() const override { return false; }
  DpoLossOutput operator()(const PreferenceLogps& p) const override {
    CheckDpoShapes(p, false);
    RLAB_CHECK(p.chosen_tokens.defined() && p.chosen_tokens.sizes() == p.chosen.sizes(),
               "sft: needs the chosen completions' lengths, [B]");
    const torch::Tensor tokens = p.chosen_tokens.to(p.chosen.dtype()).sum().clamp_min(1);
    return {-p.chosen.sum() / tokens, (beta_ * p.chosen).detach(), (beta_ * p.rejected).detach()};
  }
  std::string Describe() const override { return fmt::format("sft(beta={})", beta_); }

 private:
  double beta_;
};

}  // namespace

DpoLossRegistry::Entry SftLoss() {
  return {"sft",
          "the chosen completions' negative log-likelihood per token (reference-free)",
          {{"beta", DpoBetaKey().default_value, "scale of the logged rewards, beta log pi"}},
          [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
            return std::make_unique<ChosenNll>(a.Get<double>("beta"));
          }};
}

}  // namespace rlab::prefopt
