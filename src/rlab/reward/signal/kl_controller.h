// The coefficient beta of the KL penalty in RLHF's reward r - beta * KL(pi || pi_ref), as a
// registry of controllers ("fixed(beta=0.05)", "adaptive(beta=0.2, target=6, horizon=10000)"):
//   fixed     beta never changes
//   adaptive  Ziegler et al., "Fine-Tuning Language Models from Human Preferences",
//             arXiv:1909.08593, section 2.2: after each batch with observed KL,
//               e    = clip(KL / target - 1, -0.2, 0.2)
//               beta <- beta * (1 + e * n_steps / horizon)
//             so beta grows while the KL overshoots its target and shrinks below it, by at
//             most 20% per `horizon` samples. The paper writes the step as K_beta * e; its
//             released code (lm-human-preferences, as TRL's AdaptiveKLController) sets
//             K_beta = n_steps / horizon, which is what this implements.
// The KL the adaptive controller compares with `target` is the one the paper controls: the
// mean over the batch of each completion's KL, summed over its tokens (nats per sequence).
// The state is beta alone: Save() and Restore() let a trainer checkpoint it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"

namespace rlab::reward {

class KlController {
 public:
  virtual ~KlController() = default;
  virtual double beta() const = 0;
  // After a batch of `n_steps` samples (completions) whose mean KL was `observed_kl`.
  virtual void Update(double observed_kl, int64_t n_steps) = 0;
  double Save() const { return beta(); }
  virtual void Restore(double beta) = 0;
  virtual std::string Describe() const = 0;
};

using KlControllerRegistry = Registry<KlController>;
KlControllerRegistry& KlControllers();
void RegisterKlControllers();  // safe to call more than once
std::unique_ptr<KlController> MakeKlController(std::string_view spec);

}  // namespace rlab::reward
