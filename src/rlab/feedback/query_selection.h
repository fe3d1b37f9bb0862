// Query selection: which candidate pairs of segments to ask the teacher about. A round draws a
// pool of k x (query batch) candidate pairs uniformly, scores each from the reward ensemble's
// member probabilities P_m(sigma1 > sigma2), and asks the `batch` best (PEBBLE, Lee et al.,
// "PEBBLE: Feedback-Efficient Interactive Reinforcement Learning via Relabeling Experience and
// Unsupervised Pre-training", arXiv:2106.05091, section 4, whose code calls k `large_batch`
// and defaults it to 10; B-Pref, Lee et al., arXiv:2111.03026, compares the same selectors).
//
//   uniform       the batch is drawn uniformly without replacement from the pool
//                 (pool = 1 by default: the candidates themselves are already uniform)
//   disagreement  score = standard deviation across members of P_m(sigma1 > sigma2)
//                 (population std, as numpy's default in B-Pref's code)
//   entropy       score = binary entropy of the members' mean probability p:
//                 -p ln p - (1 - p) ln(1 - p)   (of=mean, the default);
//                 of=members scores the mean over members of each member's entropy, which is
//                 what B-Pref's entropy_sampling computes
//
// Selectors take the probabilities as plain numbers, so they do not depend on any reward
// model class. The top `batch` are taken by score, ties broken by the lower candidate index.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/core/rng.h"

namespace rlab::feedback {

// P_m(sigma1 > sigma2) for M members and K candidate queries.
struct MemberProbabilities {
  std::span<const double> values;  // [M, K] row-major, each in [0, 1]
  int64_t members = 0;
  int64_t candidates = 0;

  // Copies an [M, K] tensor into `storage` and views it.
  static MemberProbabilities FromTensor(const torch::Tensor& probs, std::vector<double>& storage);
  void Check() const;
};

class QuerySelector {
 public:
  explicit QuerySelector(int64_t pool_factor);
  virtual ~QuerySelector() = default;

  // Candidates to draw for a round that asks `batch` queries: pool_factor * batch.
  int64_t PoolSize(int64_t batch) const;
  int64_t pool_factor() const { return pool_factor_; }
  // False for uniform selection, which needs no reward model.
  virtual bool NeedsProbabilities() const { return true; }
  // One score per candidate, [K]; higher is asked first.
  virtual std::vector<double> Scores(const MemberProbabilities& probs) const = 0;
  // Indices into the K candidates of the min(batch, K) queries to ask, best first. Uniform
  // selection draws from `rng` and reads only probs.candidates.
  virtual std::vector<int64_t> Select(const MemberProbabilities& probs, int64_t batch,
                                      Rng& rng) const;
  virtual std::string Describe() const = 0;

 private:
  int64_t pool_factor_;
};

// The `batch` indices with the largest scores, ties to the lower index.
std::vector<int64_t> TopK(std::span<const double> scores, int64_t batch);
// -p ln p - (1 - p) ln(1 - p), with 0 ln 0 = 0.
double BinaryEntropy(double p);

using QuerySelectorRegistry = Registry<QuerySelector>;
QuerySelectorRegistry& QuerySelectors();
// Registers uniform, disagreement and entropy (safe to call more than once).
void RegisterQuerySelectors();
// The selector a spec names, e.g. "disagreement(pool=10)".
std::unique_ptr<QuerySelector> MakeQuerySelector(std::string_view spec);

}  // namespace rlab::feedback
