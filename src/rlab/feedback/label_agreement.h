// What several people's labels on the same comparisons say together: one majority answer per
// comparison (for exports), and how much the people agree (for `rlab label stats` and the
// labelling server's /api/stats). Skips are no answer and take no part in either.
//
// Agreement is measured two ways over the comparisons that two or more people answered:
//   pairwise   per comparison, the share of pairs of labellers who gave the same answer; and
//              its mean over comparisons
//   kappa      Fleiss' kappa (Fleiss, "Measuring nominal scale agreement among many raters",
//              Psychological Bulletin 76(5), 1971) over the categories left, right and tie,
//              in its form for a number of raters that varies between items: P_i is the
//              pairwise share above, P = mean P_i, p_j = the share of all answers in category
//              j, P_e = sum p_j^2, kappa = (P - P_e) / (1 - P_e); undefined (null) when
//              P_e = 1 (everyone always gives the same one answer).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rlab/feedback/label_queue.h"

namespace rlab::feedback {

// Answers to one comparison (skips left out), counted by choice.
struct Votes {
  int64_t left = 0, right = 0, tie = 0;
  std::vector<std::string> labellers;  // in the order their (latest) answers arrived
  std::string latest_time;             // time of the latest answer
  int64_t total() const { return left + right + tie; }
};

// Every comparison's non-skip answers, by comparison id.
std::map<std::string, Votes> CountVotes(const std::vector<HumanLabel>& labels);

// The answer with the most votes: "left", "right" or "tie"; "tie" too when the top count is
// shared (left and right equally often: the people disagree as much as they agree). nullopt
// without votes.
std::optional<std::string> MajorityChoice(const Votes& votes);

// The share of pairs of labellers who agree, or nullopt with fewer than two answers.
std::optional<double> PairwiseAgreement(const Votes& votes);

struct Agreement {
  int64_t comparisons = 0;         // answered by two or more people
  std::optional<double> pairwise;  // mean of PairwiseAgreement over them
  std::optional<double> fleiss_kappa;
};
Agreement MeasureAgreement(const std::map<std::string, Votes>& votes);

// The statistics `rlab label stats` prints and /api/stats answers:
//   {"counts": {"comparisons", "labelled", "labels"},
//    "labellers": {NAME: {"labels", "skips", "left", "right", "tie"}},
//    "agreement": {"comparisons", "pairwise", "fleiss_kappa",
//                  "per_comparison": [{"id", "labellers", "pairwise", "majority"}]}}
nlohmann::json QueueStats(const LabelQueue& queue);

}  // namespace rlab::feedback
