#include "rlab/search/step_tree.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "rlab/core/check.h"

namespace rlab::search {

std::vector<double> QualityValues(const std::vector<bool>& step_right,
                                  const std::vector<int64_t>& steps_left) {
  RLAB_CHECK(step_right.size() == steps_left.size(),
             "quality values: {} step verdicts for {} distances", step_right.size(),
             steps_left.size());
  std::vector<double> v;
  double previous = 0;
  for (std::size_t k = 0; k < step_right.size(); ++k) {
    RLAB_CHECK(steps_left[k] >= 0, "quality values: step {} has {} steps left", k, steps_left[k]);
    const double r = step_right[k] ? 0.0 : 1.0;
    const double w = (1 - previous) / static_cast<double>(steps_left[k] + 1) * (1 - 2 * r);
    previous = std::max(previous + w, 0.0);
    v.push_back(previous);
  }
  return v;
}

StepTree::StepTree() {
  nodes_.emplace_back();
  nodes_[0].visits = 1;
}

int StepTree::Select(int64_t width, double c) const {
  if (nodes_[0].closed) return -1;
  int at = 0;
  while (true) {
    const StepNode& n = nodes_[static_cast<std::size_t>(at)];
    if (!n.finished && static_cast<int64_t>(n.children.size()) < width) return at;
    int best = -1;
    double best_score = -std::numeric_limits<double>::infinity();
    for (const int child : n.children) {
      const StepNode& k = nodes_[static_cast<std::size_t>(child)];
      if (k.closed) continue;
      const double score =
          k.total / static_cast<double>(k.visits) +
          c * std::sqrt(std::log(static_cast<double>(n.visits)) / static_cast<double>(k.visits));
      if (score > best_score) best = child, best_score = score;
    }
    RLAB_CHECK(best >= 0, "step tree: node {} is open but has no open child", at);
    at = best;
  }
}

int StepTree::Add(int parent, std::string text, double value, bool finished, int64_t width) {
  RLAB_CHECK(parent >= 0 && parent < size() && !nodes_[parent].finished,
             "step tree: node {} cannot take a child", parent);
  StepNode child;
  child.parent = parent;
  child.text = std::move(text);
  child.depth = nodes_[parent].depth + 1;
  child.value = value;
  child.total = value;
  child.visits = 1;
  child.finished = child.closed = finished;
  const int index = size();
  nodes_.push_back(std::move(child));
  nodes_[parent].children.push_back(index);
  for (int at = parent; at >= 0; at = nodes_[at].parent) {
    StepNode& n = nodes_[at];
    n.total += value;
    ++n.visits;
    n.closed =
        static_cast<int64_t>(n.children.size()) >= width &&
        std::all_of(n.children.begin(), n.children.end(), [&](int k) { return nodes_[k].closed; });
  }
  return index;
}

int StepTree::BestFinished() const {
  int best = -1;
  for (int i = 1; i < size(); ++i) {
    if (nodes_[i].finished && (best < 0 || nodes_[i].value > nodes_[best].value)) best = i;
  }
  return best;
}

int StepTree::BestOpen() const {
  int best = 0;
  for (int i = 1; i < size(); ++i) {
    const StepNode& n = nodes_[i];
    if (n.finished) continue;
    const StepNode& b = nodes_[best];
    if (best == 0 || n.value > b.value || (n.value == b.value && n.depth > b.depth)) best = i;
  }
  return best;
}

std::vector<int> StepTree::Finished() const {
  std::vector<int> out;
  for (int i = 1; i < size(); ++i) {
    if (nodes_[i].finished) out.push_back(i);
  }
  return out;
}

std::vector<StepTarget> StepTree::Targets(const std::vector<uint8_t>& right) const {
  RLAB_CHECK(static_cast<int>(right.size()) == size(), "step tree: {} verdicts for {} nodes",
             right.size(), size());
  const std::size_t n = nodes_.size();
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  // Children come after their parents: one pass from the back gathers each subtree.
  std::vector<int64_t> leaves(n, 0), right_leaves(n, 0);
  std::vector<int64_t> to_leaf(n, kNone), to_right(n, kNone);  // steps down to the nearest
  for (std::size_t i = n; i-- > 1;) {
    if (nodes_[i].finished) {
      ++leaves[i];
      to_leaf[i] = 0;
      if (right[i]) ++right_leaves[i], to_right[i] = 0;
    }
    const std::size_t p = static_cast<std::size_t>(nodes_[i].parent);
    leaves[p] += leaves[i];
    right_leaves[p] += right_leaves[i];
    if (to_leaf[i] != kNone) to_leaf[p] = std::min(to_leaf[p], to_leaf[i] + 1);
    if (to_right[i] != kNone) to_right[p] = std::min(to_right[p], to_right[i] + 1);
  }
  auto monte_carlo = [&](std::size_t i) {
    return leaves[i] ? static_cast<double>(right_leaves[i]) / static_cast<double>(leaves[i])
                     : std::nan("");
  };
  std::vector<StepTarget> targets;
  for (std::size_t i = 1; i < n; ++i) {
    // The path root -> i, its steps' verdicts and distances.
    std::vector<std::size_t> path;
    for (int at = static_cast<int>(i); at > 0; at = nodes_[at].parent) path.push_back(at);
    std::reverse(path.begin(), path.end());
    std::vector<bool> step_right;
    std::vector<int64_t> steps_left;
    for (const std::size_t k : path) {
      step_right.push_back(right_leaves[k] > 0);
      const int64_t d = to_right[k] != kNone ? to_right[k] : to_leaf[k];
      steps_left.push_back(d == kNone ? 0 : d);
    }
    targets.push_back(
        {static_cast<int>(i), monte_carlo(i), QualityValues(step_right, steps_left).back()});
  }
  return targets;
}

}  // namespace rlab::search
