// Study: off-policy adversarial imitation with and without the gradient penalty that keeps the
// learned reward locally Lipschitz. "Lipschitzness Is All You Need To Tame Off-policy
// Generative Adversarial Imitation Learning" (Blondé, Strasser and Kalousis, arXiv:2006.16785).
#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "rlab/rl/tabular/lipschitz_gail.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {
namespace {

// Mean and population std of the last quarter of `values` (at least one value).
std::pair<double, double> LastQuarter(const std::vector<double>& values) {
  const size_t n = std::max<size_t>(1, values.size() / 4);
  const std::vector<double> tail(values.end() - static_cast<std::ptrdiff_t>(n), values.end());
  const double mean = std::accumulate(tail.begin(), tail.end(), 0.0) / static_cast<double>(n);
  double sq = 0.0;
  for (double v : tail) sq += (v - mean) * (v - mean);
  return {mean, std::sqrt(sq / static_cast<double>(n))};
}

class OffPolicyImitationStudy : public Study {
 public:
  explicit OffPolicyImitationStudy(const SpecArgs& args) {
    options_.grid = args.Get<int64_t>("grid");
    options_.slip = args.Get<double>("slip");
    options_.feature_noise = args.Get<double>("feature_noise");
    options_.expert_episodes = args.Get<int64_t>("expert_episodes");
    options_.iterations = args.Get<int64_t>("iterations");
    options_.discriminator_steps = args.Get<int64_t>("discriminator_steps");
    options_.penalty_weight = args.Get<double>("penalty_weight");
    options_.penalty_target = args.Get<double>("penalty_target");
    options_.temperature = args.Get<double>("temperature");
    options_.observed_rewards = args.Get<bool>("observed_rewards");
    RLAB_CHECK(options_.penalty_weight > 0.0,
               "study lipschitz_gail: penalty_weight must be > 0 (the study also runs without "
               "it), got {}",
               options_.penalty_weight);
  }

  std::string Property() const override {
    return "off-policy adversarial imitation (replay buffer of all past policies) imitates "
           "well only with the gradient penalty that keeps the learned reward locally "
           "Lipschitz: per variant the expert-normalised true return (final, mean and std of "
           "the last quarter of iterations) and the learned reward's empirical Lipschitz "
           "constant over state positions (mean of the last quarter)";
  }

  StudyResult Run(uint64_t seed) const override {
    StudyResult result;
    LipschitzGailOptions without = options_;
    without.penalty_weight = 0.0;
    const std::pair<const char*, LipschitzGailOptions> variants[] = {{"penalty", options_},
                                                                     {"no_penalty", without}};
    for (const auto& [label, options] : variants) {
      const LipschitzGailResult run = RunLipschitzGail(options, seed);
      const auto [mean, spread] = LastQuarter(run.normalised_returns);
      result.figures.emplace_back(fmt::format("{}_final_return", label),
                                  run.normalised_returns.back());
      result.figures.emplace_back(fmt::format("{}_last_quarter_return", label), mean);
      result.figures.emplace_back(fmt::format("{}_last_quarter_return_std", label), spread);
      result.figures.emplace_back(fmt::format("{}_reward_lipschitz", label),
                                  LastQuarter(run.reward_lipschitz).first);
    }
    return result;
  }

 private:
  LipschitzGailOptions options_;
};

}  // namespace

StudyRegistry::Entry LipschitzGailStudy() {
  const LipschitzGailOptions d;
  const auto text = [](auto v) { return fmt::format("{}", v); };
  return {.name = "lipschitz_gail",
          .help = "off-policy adversarial imitation with and without a gradient penalty on the "
                  "discriminator (Blondé et al., arXiv:2006.16785)",
          .keys = {{"grid", text(d.grid), "grid side (start top-left, goal bottom-right)"},
                   {"slip", text(d.slip), "probability of a perpendicular move"},
                   {"feature_noise", text(d.feature_noise),
                    "std of the noise on the sampled (x, y) in [-1, 1]"},
                   {"expert_episodes", text(d.expert_episodes), "expert demonstrations"},
                   {"iterations", text(d.iterations), "rounds of collect, train D, re-plan"},
                   {"discriminator_steps", text(d.discriminator_steps),
                    "discriminator updates per round"},
                   {"penalty_weight", text(d.penalty_weight), "gradient penalty weight lambda"},
                   {"penalty_target", text(d.penalty_target), "gradient norm target k"},
                   {"temperature", text(d.temperature), "the learner's soft-max temperature"},
                   {"observed_rewards", d.observed_rewards ? "true" : "false",
                    "the learner's reward at a noisy observation of each cell (false: at its "
                    "centre)"}},
          .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
            return std::make_unique<OffPolicyImitationStudy>(args);
          }};
}

}  // namespace rlab::rl::tabular
