#include "rlab/reward/signal/kl_controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::reward {

namespace {

class FixedKl : public KlController {
 public:
  explicit FixedKl(double beta) : beta_(beta) { Restore(beta); }
  double beta() const override { return beta_; }
  void Update(double observed_kl, int64_t) override {
    RLAB_CHECK(std::isfinite(observed_kl), "KL controller: observed KL is {}", observed_kl);
  }
  void Restore(double beta) override {
    RLAB_CHECK(std::isfinite(beta) && beta >= 0, "fixed KL controller: beta must be >= 0, got {}",
               beta);
    beta_ = beta;
  }
  std::string Describe() const override { return fmt::format("fixed(beta={})", beta_); }

 private:
  double beta_;
};

class AdaptiveKl : public KlController {
 public:
  AdaptiveKl(double beta, double target, double horizon)
      : beta_(beta), initial_(beta), target_(target), horizon_(horizon) {
    Restore(beta);
    RLAB_CHECK(target > 0, "adaptive KL controller: target must be > 0, got {}", target);
    RLAB_CHECK(horizon > 0, "adaptive KL controller: horizon must be > 0, got {}", horizon);
  }
  double beta() const override { return beta_; }
  void Update(double observed_kl, int64_t n_steps) override {
    RLAB_CHECK(std::isfinite(observed_kl), "KL controller: observed KL is {}", observed_kl);
    RLAB_CHECK(n_steps > 0, "KL controller: n_steps must be > 0, got {}", n_steps);
    const double error = std::clamp(observed_kl / target_ - 1.0, -0.2, 0.2);
    beta_ *= 1.0 + error * static_cast<double>(n_steps) / horizon_;
  }
  // beta must stay positive: a multiplicative controller at 0 could never move again.
  void Restore(double beta) override {
    RLAB_CHECK(std::isfinite(beta) && beta > 0, "adaptive KL controller: beta must be > 0, got {}",
               beta);
    beta_ = beta;
  }
  std::string Describe() const override {
    return fmt::format("adaptive(beta={}, target={}, horizon={})", initial_, target_, horizon_);
  }

 private:
  double beta_;
  double initial_;  // as configured, for Describe(); beta_ is the live state
  double target_, horizon_;
};

}  // namespace

KlControllerRegistry& KlControllers() {
  static KlControllerRegistry registry("KL controller");
  return registry;
}

void RegisterKlControllers() {
  KlControllerRegistry& reg = KlControllers();
  if (!RegisterOnce(reg)) return;
  reg.Register({"fixed",
                "a constant KL coefficient",
                {{"beta", "0.05", "the KL coefficient"}},
                [](const SpecArgs& a) -> std::unique_ptr<KlController> {
                  return std::make_unique<FixedKl>(a.Get<double>("beta"));
                }});
  reg.Register({"adaptive",
                "beta *= 1 + clip(KL/target - 1, -0.2, 0.2) * n_steps/horizon (Ziegler et al., "
                "arXiv:1909.08593)",
                {{"beta", "0.2", "initial KL coefficient"},
                 {"target", "6", "target KL per completion (nats, summed over tokens)"},
                 {"horizon", "10000", "samples over which the error is corrected"}},
                [](const SpecArgs& a) -> std::unique_ptr<KlController> {
                  return std::make_unique<AdaptiveKl>(
                      a.Get<double>("beta"), a.Get<double>("target"), a.Get<double>("horizon"));
                }});
}

std::unique_ptr<KlController> MakeKlController(std::string_view spec) {
  RegisterKlControllers();
  return KlControllers().Create(spec);
}

}  // namespace rlab::reward
