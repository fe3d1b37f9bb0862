#include "rlab/feedback/query_selection.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "rlab/core/check.h"

namespace rlab::feedback {

void MemberProbabilities::Check() const {
  RLAB_CHECK(members >= 1 && candidates >= 0,
             "query selection: need at least one ensemble member, got {} members and {} "
             "candidates",
             members, candidates);
  RLAB_CHECK(static_cast<int64_t>(values.size()) == members * candidates,
             "query selection: member probabilities must be [M, K] = [{}, {}] ({} numbers), got {}",
             members, candidates, members * candidates, values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    RLAB_CHECK(values[i] >= 0.0 && values[i] <= 1.0,
               "query selection: member {} candidate {}: probability {} is not in [0, 1]",
               static_cast<int64_t>(i) / candidates, static_cast<int64_t>(i) % candidates,
               values[i]);
  }
}

MemberProbabilities MemberProbabilities::FromTensor(const torch::Tensor& probs,
                                                    std::vector<double>& storage) {
  RLAB_CHECK(probs.dim() == 2, "query selection: member probabilities must be [M, K], got {} dims",
             probs.dim());
  const torch::Tensor p = probs.detach().to(torch::kCPU, torch::kDouble).contiguous();  // [M, K]
  storage.assign(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
  return {storage, p.size(0), p.size(1)};
}

QuerySelector::QuerySelector(int64_t pool_factor) : pool_factor_(pool_factor) {
  RLAB_CHECK(pool_factor >= 1,
             "query selector: pool (k, candidates per asked query) must be >= 1, "
             "got {}",
             pool_factor);
}

int64_t QuerySelector::PoolSize(int64_t batch) const {
  RLAB_CHECK(batch >= 0, "query selector: batch must be >= 0, got {}", batch);
  return pool_factor_ * batch;
}

std::vector<int64_t> QuerySelector::Select(const MemberProbabilities& probs, int64_t batch,
                                           Rng& rng) const {
  probs.Check();
  const std::vector<double> scores = Scores(probs);
  return TopK(scores, batch);
}

std::vector<int64_t> TopK(std::span<const double> scores, int64_t batch) {
  std::vector<int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  const int64_t k = std::clamp<int64_t>(batch, 0, static_cast<int64_t>(order.size()));
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  });
  order.resize(k);
  return order;
}

double BinaryEntropy(double p) {
  double h = 0.0;
  if (p > 0.0) h -= p * std::log(p);
  if (p < 1.0) h -= (1.0 - p) * std::log1p(-p);
  return h;
}

namespace {

class UniformSelector final : public QuerySelector {
 public:
  using QuerySelector::QuerySelector;
  bool NeedsProbabilities() const override { return false; }
  std::vector<double> Scores(const MemberProbabilities& probs) const override {
    return std::vector<double>(probs.candidates, 0.0);
  }
  // A partial Fisher-Yates shuffle of the candidate indices.
  std::vector<int64_t> Select(const MemberProbabilities& probs, int64_t batch,
                              Rng& rng) const override {
    const int64_t n = probs.candidates;
    RLAB_CHECK(n >= 0 && batch >= 0, "uniform query selection: bad sizes {} and {}", n, batch);
    std::vector<int64_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    const int64_t k = std::min(batch, n);
    for (int64_t i = 0; i < k; ++i) std::swap(order[i], order[i + rng.UniformInt(n - i)]);
    order.resize(k);
    return order;
  }
  std::string Describe() const override { return fmt::format("uniform(pool={})", pool_factor()); }
};

// Ensemble disagreement (PEBBLE/B-Pref's disagreement_sampling): std across members.
class DisagreementSelector final : public QuerySelector {
 public:
  using QuerySelector::QuerySelector;
  std::vector<double> Scores(const MemberProbabilities& probs) const override {
    probs.Check();
    const int64_t m = probs.members, k = probs.candidates;
    std::vector<double> scores(k);
    for (int64_t j = 0; j < k; ++j) {
      double mean = 0.0;
      for (int64_t i = 0; i < m; ++i) mean += probs.values[i * k + j];
      mean /= static_cast<double>(m);
      double var = 0.0;
      for (int64_t i = 0; i < m; ++i) {
        const double d = probs.values[i * k + j] - mean;
        var += d * d;
      }
      scores[j] = std::sqrt(var / static_cast<double>(m));
    }
    return scores;
  }
  std::string Describe() const override {
    return fmt::format("disagreement(pool={})", pool_factor());
  }
};

// Entropy of the preference prediction (PEBBLE/B-Pref's entropy_sampling).
class EntropySelector final : public QuerySelector {
 public:
  EntropySelector(int64_t pool_factor, std::string of)
      : QuerySelector(pool_factor), of_(std::move(of)) {
    RLAB_CHECK(of_ == "mean" || of_ == "members",
               "entropy query selection: of must be 'mean' (entropy of the mean probability) or "
               "'members' (mean of the members' entropies), got '{}'",
               of_);
  }
  std::vector<double> Scores(const MemberProbabilities& probs) const override {
    probs.Check();
    const int64_t m = probs.members, k = probs.candidates;
    std::vector<double> scores(k);
    for (int64_t j = 0; j < k; ++j) {
      double mean_p = 0.0, mean_h = 0.0;
      for (int64_t i = 0; i < m; ++i) {
        mean_p += probs.values[i * k + j];
        mean_h += BinaryEntropy(probs.values[i * k + j]);
      }
      scores[j] = of_ == "mean" ? BinaryEntropy(mean_p / static_cast<double>(m))
                                : mean_h / static_cast<double>(m);
    }
    return scores;
  }
  std::string Describe() const override {
    return fmt::format("entropy(pool={}, of={})", pool_factor(), of_);
  }

 private:
  std::string of_;
};

void RegisterAll(QuerySelectorRegistry& r) {
  r.Register({"uniform",
              "queries drawn uniformly (no reward model needed)",
              {{"pool", "1", "candidates per asked query (k)"}},
              [](const SpecArgs& a) -> std::unique_ptr<QuerySelector> {
                return std::make_unique<UniformSelector>(a.Get<int64_t>("pool"));
              }});
  r.Register({"disagreement",
              "PEBBLE: the pool's queries with the largest std of P(sigma1 > sigma2) across "
              "ensemble members",
              {{"pool", "10", "candidates per asked query (k; PEBBLE's large_batch)"}},
              [](const SpecArgs& a) -> std::unique_ptr<QuerySelector> {
                return std::make_unique<DisagreementSelector>(a.Get<int64_t>("pool"));
              }});
  r.Register({"entropy",
              "PEBBLE: the pool's queries whose predicted preference has the largest entropy",
              {{"pool", "10", "candidates per asked query (k; PEBBLE's large_batch)"},
               {"of", "mean",
                "mean: entropy of the members' mean probability; members: mean of the "
                "members' entropies (B-Pref's code)"}},
              [](const SpecArgs& a) -> std::unique_ptr<QuerySelector> {
                return std::make_unique<EntropySelector>(a.Get<int64_t>("pool"),
                                                         a.Get<std::string>("of"));
              }});
}

}  // namespace

QuerySelectorRegistry& QuerySelectors() {
  static QuerySelectorRegistry registry("query selector");
  return registry;
}

void RegisterQuerySelectors() {
  QuerySelectorRegistry& r = QuerySelectors();
  if (RegisterOnce(r)) RegisterAll(r);
}

std::unique_ptr<QuerySelector> MakeQuerySelector(std::string_view spec) {
  RegisterQuerySelectors();
  return QuerySelectors().Create(spec);
}

}  // namespace rlab::feedback
