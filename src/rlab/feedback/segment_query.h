// Queries that a scripted teacher answers, the answers it gives, and the context some teachers
// need. A query is two segments of equal length H given by their per-step true rewards (the
// teacher sees only these; the learner never does). Labels follow B-Pref's convention (Lee et
// al., "B-Pref: Benchmarking Preference-Based Reinforcement Learning", arXiv:2111.03026):
// 0 = the first segment is preferred, 1 = the second is, 0.5 = equally preferable.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace rlab::feedback {

struct SegmentQuery {
  std::span<const double> first;   // [H] true reward of each step, oldest first
  std::span<const double> second;  // [H]
};

// Label values.
inline constexpr double kFirstPreferred = 0.0;
inline constexpr double kSecondPreferred = 1.0;
inline constexpr double kEquallyPreferred = 0.5;

struct TeacherLabel {
  bool answered = false;  // false when the teacher skipped the query
  double label = 0.0;     // kFirstPreferred, kSecondPreferred or kEquallyPreferred; 0 if skipped
};

// What the skip and equal thresholds of B-Pref scale with. Both thresholds are
// eps * (H / episode_length) * mean_episode_return, where mean_episode_return is the mean true
// return of the last 10 training episodes (B-Pref's choice) and episode_length is the
// environment's maximum episode length T. Teachers that use neither threshold ignore it.
struct TeacherContext {
  double mean_episode_return = 0.0;
  int64_t episode_length = 0;  // T; 0 means "unknown", an error for teachers that need it
};

// Feedback budgets count every query asked, answered or not (issue 5: skipped queries still
// use up the budget).
struct LabelCounts {
  int64_t asked = 0;
  int64_t answered = 0;
  void Add(const TeacherLabel& label) {
    ++asked;
    if (label.answered) ++answered;
  }
};

}  // namespace rlab::feedback
