// The tree of ReST-MCTS* (Zhang et al., "ReST-MCTS*: LLM Self-Training via Process Reward
// Guided Tree Search", arXiv:2406.03816): a node is a partial solution, a chain of reasoning
// steps; its children continue it by one step sampled from the policy. The search selects by
// UCT over the backed-up means of the step scorer's values, expands one step, scores it and
// backs the score up the path; finished nodes (a final answer) are leaves.
//
// Its value targets, computed once the search is over, from the oracle's verdict on the
// finished leaves:
//   Monte-Carlo step value: the share of finished leaves below a node whose answer is right,
//     the estimated probability that the partial solution leads to the right answer;
//   quality value (the paper's PRM target) along a node's path, with r_k = 0 for a step that
//     leads to a right answer (its Monte-Carlo value is above 0) and 1 otherwise, and m_k the
//     steps still needed after step k (the distance to the nearest finished leaf below, a right
//     one where there is one):
//       v_0 = 0,  w_k = (1 - v_{k-1}) / (m_k + 1) * (1 - 2 r_k),  v_k = max(v_{k-1} + w_k, 0)
//     so a right chain climbs to exactly 1 at its answer and a wrong step pulls v down.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlab::search {

// The quality values v_1..v_K of a chain of K steps (formula above): step_right[k] is r_k = 0,
// steps_left[k] is m_k >= 0.
std::vector<double> QualityValues(const std::vector<bool>& step_right,
                                  const std::vector<int64_t>& steps_left);

struct StepNode {
  int parent = -1;
  std::string text;  // the partial completion: every step so far, delimiters included
  int64_t depth = 0;
  std::vector<int> children;
  double value = 0;  // the step scorer's read of this partial solution
  double total = 0;  // values backed up through this node
  int64_t visits = 0;
  bool finished = false;  // a final answer (or out of tokens): never expanded
  bool closed = false;    // finished, or every child it may have is closed
};

struct StepTarget {
  int node = 0;
  double monte_carlo = 0;  // NaN when no finished leaf is below
  double quality = 0;
};

class StepTree {
 public:
  StepTree();  // the root: the empty completion

  // Descends from the root to the first node that is open for a new child (not finished, fewer
  // than `width` children), choosing at each node the open child of highest
  // mean + c * sqrt(ln visits(parent) / visits(child)); -1 when the whole tree is closed.
  int Select(int64_t width, double c) const;
  // Adds a child of `parent` and backs its value up to the root; returns its index.
  int Add(int parent, std::string text, double value, bool finished, int64_t width);

  // The finished node of highest value (the first added on ties); -1 when there is none.
  int BestFinished() const;
  // The unfinished node of highest value, the deepest on ties (where a last rollout starts).
  int BestOpen() const;
  // Every finished node's index, in the order they were added.
  std::vector<int> Finished() const;
  // The value targets of every node but the root; `right[i]` is the oracle's verdict on node
  // i (read for finished nodes only).
  std::vector<StepTarget> Targets(const std::vector<uint8_t>& right) const;

  const StepNode& node(int i) const { return nodes_[static_cast<std::size_t>(i)]; }
  int size() const { return static_cast<int>(nodes_.size()); }

 private:
  std::vector<StepNode> nodes_;
};

}  // namespace rlab::search
