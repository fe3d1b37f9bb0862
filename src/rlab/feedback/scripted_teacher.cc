#include "rlab/feedback/scripted_teacher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::feedback {

namespace {

double Sum(std::span<const double> rewards) {
  double total = 0.0;
  for (double r : rewards) total += r;
  return total;
}

}  // namespace

void ScriptedTeacherOptions::Validate() const {
  RLAB_CHECK(std::isfinite(beta),
             "scripted teacher: beta must be finite (<= 0 for a "
             "deterministic teacher), got {}",
             beta);
  RLAB_CHECK(gamma > 0.0 && gamma <= 1.0,
             "scripted teacher: gamma (myopia) must be in (0, 1], got {}", gamma);
  RLAB_CHECK(eps_mistake >= 0.0 && eps_mistake <= 1.0,
             "scripted teacher: eps_mistake must be in [0, 1], got {}", eps_mistake);
  RLAB_CHECK(eps_skip >= 0.0 && std::isfinite(eps_skip),
             "scripted teacher: eps_skip must be finite and >= 0, got {}", eps_skip);
  RLAB_CHECK(eps_equal >= 0.0 && std::isfinite(eps_equal),
             "scripted teacher: eps_equal must be finite and >= 0, got {}", eps_equal);
}

ScriptedTeacher::ScriptedTeacher(const ScriptedTeacherOptions& options) : options_(options) {
  options_.Validate();
}

double ScriptedTeacher::MyopicReturn(std::span<const double> rewards) const {
  // Newest step first: its weight is gamma^0 = 1, the oldest step's is gamma^(H-1).
  double total = 0.0;
  double weight = 1.0;
  for (size_t i = rewards.size(); i-- > 0;) {
    total += weight * rewards[i];
    weight *= options_.gamma;
  }
  return total;
}

double ScriptedTeacher::SecondPreferredProbability(const SegmentQuery& query) const {
  const double r1 = MyopicReturn(query.first);
  const double r2 = MyopicReturn(query.second);
  if (options_.beta <= 0.0) {
    // B-Pref's rational label is 1 * (R1 < R2): an exact tie goes to the first segment.
    return r1 < r2 ? 1.0 : 0.0;
  }
  // exp(b R2) / (exp(b R1) + exp(b R2)) = sigmoid(b (R2 - R1)), which cannot overflow.
  return StableSigmoid(options_.beta * (r2 - r1));
}

double ScriptedTeacher::Threshold(double eps, size_t h, const TeacherContext& context) {
  if (eps == 0.0) return 0.0;
  RLAB_CHECK(context.episode_length > 0,
             "scripted teacher: the skip and equal thresholds need the episode length T "
             "(TeacherContext.episode_length), got {}",
             context.episode_length);
  RLAB_CHECK(std::isfinite(context.mean_episode_return),
             "scripted teacher: the mean return of the last training episodes must be finite, "
             "got {}",
             context.mean_episode_return);
  return eps * (static_cast<double>(h) / static_cast<double>(context.episode_length)) *
         context.mean_episode_return;
}

// Order of operations, as in B-Pref's labeller (get_label in its reward model): skip, equal,
// rational/myopic label, mistake. Choices where this per-query form has to pick:
//  - Skip only applies when its threshold is positive: B-Pref guards the skip step with
//    `threshold > 0`, so with eps_skip = 0, or a mean return <= 0 (Pendulum, for example),
//    nothing is skipped. A query is skipped when max(R1, R2) <= threshold (B-Pref keeps those
//    with max > threshold). Both returns here are undiscounted, whatever gamma is.
//  - Equal compares undiscounted returns with a strict `<`; a threshold <= 0 never calls a tie.
//  - B-Pref labels every query in the batch, applies mistakes to all of them, and then
//    overwrites the tied ones with the tie label. So a tie is never flipped by a mistake. The
//    outcome is the same here, but a tied query draws nothing from the generator (B-Pref's
//    draws for it are thrown away), which only changes which numbers later queries receive.
//  - With beta <= 0 an exact tie of the myopic returns that was not called equal goes to the
//    first segment (B-Pref's 1 * (R1 < R2)), where the older BradleyTerryTeacher tosses a coin.
//  - The mistake draw uses Uniform() < eps (B-Pref: rand <= eps); the two differ only on a
//    set of probability zero.
TeacherLabel ScriptedTeacher::Label(const SegmentQuery& query, const TeacherContext& context,
                                    Rng& rng) const {
  CheckQuery(query);
  const size_t h = query.first.size();
  const double sum1 = Sum(query.first);
  const double sum2 = Sum(query.second);

  // 1. Skip.
  const double skip_threshold = Threshold(options_.eps_skip, h, context);
  if (skip_threshold > 0.0 && std::max(sum1, sum2) <= skip_threshold) {
    return TeacherLabel{.answered = false, .label = 0.0};
  }

  // 2. Equal.
  const double equal_threshold = Threshold(options_.eps_equal, h, context);
  if (std::abs(sum1 - sum2) < equal_threshold) {
    return TeacherLabel{.answered = true, .label = kEquallyPreferred};
  }

  // 3. Rational (beta <= 0) or Bradley-Terry (beta > 0) label over the myopic returns.
  const double p_second = SecondPreferredProbability(query);
  double label = 0.0;
  if (options_.beta <= 0.0) {
    label = p_second;  // already 0 or 1
  } else {
    label = rng.Bernoulli(p_second) ? kSecondPreferred : kFirstPreferred;
  }

  // 4. Mistake.
  if (options_.eps_mistake > 0.0 && rng.Bernoulli(options_.eps_mistake)) label = 1.0 - label;
  return TeacherLabel{.answered = true, .label = label};
}

std::string ScriptedTeacher::Describe() const {
  return fmt::format("scripted(beta={}, gamma={}, eps_mistake={}, eps_skip={}, eps_equal={})",
                     options_.beta, options_.gamma, options_.eps_mistake, options_.eps_skip,
                     options_.eps_equal);
}

}  // namespace rlab::feedback
