// Preference judges of online preference optimisation (prefopt/online_preference_trainer.h):
// for prompts x_p and two lists of completions of each, the matrix P(a_i > b_j | x_p) and,
// where the judge has them, scalar scores of completions. A registry:
//   gold               the task's hidden judge, TextTask::GoldPreference; scores from
//                      GoldReward
//   model(path=DIR)    a reward model or ensemble written by train-rm: the mean over members
//                      of the objective's preference logit, through a sigmoid (Bradley-Terry:
//                      sigmoid(r_a - r_b), with the mean reward as score; a General Preference
//                      Model, objective gpm: its antisymmetric logit, no scores)
// A judged value that is NaN or infinite is an error naming the judge.
#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/text/text_task.h"

namespace rlab::reward {

// Completions per prompt: [P][G].
using CompletionGroups = std::vector<std::vector<std::string>>;

class PreferenceJudge {
 public:
  virtual ~PreferenceJudge() = default;
  // [P, G, H] P(a[p][i] > b[p][j] | prompts[p]); every group of a (and of b) of one size.
  torch::Tensor Compare(const std::vector<std::string>& prompts, const CompletionGroups& a,
                        const CompletionGroups& b);
  // [P, G, G] the group against itself, made exactly antisymmetric: (M + 1 - M^T) / 2, so the
  // diagonal is 1/2.
  torch::Tensor CompareWithin(const std::vector<std::string>& prompts,
                              const CompletionGroups& groups);
  // [P, G] scalar scores, or nothing for a judge that only compares.
  std::optional<torch::Tensor> Scores(const std::vector<std::string>& prompts,
                                      const CompletionGroups& groups);
  virtual std::string Describe() const = 0;

 protected:
  // [P, G, H], for groups already checked: G completions in each of a, H in each of b.
  virtual torch::Tensor Preferences(const std::vector<std::string>& prompts,
                                    const CompletionGroups& a, const CompletionGroups& b, int64_t G,
                                    int64_t H) = 0;
  // [P, G] or nothing, for groups of G completions.
  virtual std::optional<torch::Tensor> ScoresOf(const std::vector<std::string>& prompts,
                                                const CompletionGroups& groups, int64_t G) = 0;
};

// The task supplies the gold judge; other judges ignore it.
using PreferenceJudgeRegistry = Registry<PreferenceJudge, const data::TextTask*>;
PreferenceJudgeRegistry& PreferenceJudges();
void RegisterPreferenceJudges();  // safe to call more than once
// An unknown name or key fails listing the valid ones.
std::unique_ptr<PreferenceJudge> MakePreferenceJudge(std::string_view spec,
                                                     const data::TextTask* task);

}  // namespace rlab::reward
