// Step-level truth of a multi-step task: how a completion splits into reasoning steps and which
// of them are right. Process reward models learn from these labels, credit assignment over steps
// reads the split, and evaluation compares a model's step scores with them (step accuracy,
// ProcessBench's first-error F1). A task that has steps returns this from TextTask::Steps().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rlab::data {

class StepTruth {
 public:
  virtual ~StepTruth() = default;
  // The text between two steps of a completion, e.g. "; ".
  virtual std::string Delimiter() const = 0;
  // The steps of `completion` in order, as written (split on the delimiter; a trailing
  // delimiter or text after the final step gives no empty step).
  virtual std::vector<std::string> SplitSteps(std::string_view completion) const = 0;
  // For each step of SplitSteps(completion), the offset in `completion` one past its last
  // character: where a step's score is read (the token that ends there).
  virtual std::vector<std::size_t> StepEnds(std::string_view completion) const = 0;
  // One gold label per step of SplitSteps(completion): true while the solution is still right
  // (the step is correct and so are all before it), false from the first wrong step on.
  virtual std::vector<bool> StepLabels(std::string_view prompt,
                                       std::string_view completion) const = 0;
  // Whether a step has the task's form (e.g. "A<op>B=C" with numbers), right or not: what a
  // process reward model that is easy to game pays for (the `gameable` source). By default any
  // step with text other than spaces.
  virtual bool WellFormed(std::string_view step) const {
    return step.find_first_not_of(" \t\r\n") != std::string_view::npos;
  }
  // The index of the first wrong step, or -1 when every step is right (ProcessBench's label;
  // a right chain of steps may still end before the final answer, which GoldReward judges).
  int FirstError(std::string_view prompt, std::string_view completion) const {
    const std::vector<bool> labels = StepLabels(prompt, completion);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (!labels[i]) return static_cast<int>(i);
    }
    return -1;
  }
};

}  // namespace rlab::data
