// credit salt(merge=..): SALT's step advantages from a trajectory graph of outcome rewards alone
// (Li et al., "SALT: Step-level Advantage Assignment for Long-horizon Agents via Trajectory
// Graph", arXiv:2510.20022). The completions of one prompt are merged into a graph whose nodes
// are their steps, a step written alike by several completions being one node; each step's
// tokens get the mean outcome advantage of the completions through its node,
//   A_t = mean of A_outcome(j) over the completions j of the group that pass the node of t's
//         step,
// so that a step every completion shares is neutral (0 under a group-centred estimator) and a
// step only one completion takes keeps that completion's advantage. Tokens after the last step
// and completions without steps keep their own outcome advantage. The process rewards' values
// are not read: their positions only say where the steps end (any source with step ends, such
// as gold, gives them). merge=step makes step k of two completions one node when its tokens
// are equal (the graph); merge=prefix only when all their steps up to k are (a prefix tree).
// Steps here are the task's reasoning steps rather than an agent's turns in an environment.
#include <torch/torch.h>

#include <map>
#include <utility>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/rl/step_credit.h"

namespace rlab::rl {

namespace {

class SaltCredit : public StepCredit {
 public:
  explicit SaltCredit(bool prefix) : prefix_(prefix) {}

  torch::Tensor operator()(const StepCreditInputs& in) const override {
    RLAB_CHECK(in.tokens.defined() && in.tokens.sizes() == in.mask.sizes(),
               "credit salt: needs the generated tokens [N, T] to compare steps; the trainer "
               "passes them in StepCreditInputs::tokens");
    RLAB_CHECK(in.outcome_advantages.defined() && in.outcome_advantages.dim() == 1 &&
                   in.outcome_advantages.size(0) == in.mask.size(0),
               "credit salt: outcome advantages must be [N] with N = {}", in.mask.size(0));
    RLAB_CHECK(in.group_size >= 1 && in.mask.size(0) % in.group_size == 0,
               "credit salt: {} completions do not split into groups of {}", in.mask.size(0),
               in.group_size);
    torch::NoGradGuard no_grad;
    const int64_t n = in.mask.size(0), width = in.mask.size(1), group = in.group_size;
    const torch::Tensor ids = in.tokens.to(torch::kInt64).contiguous();
    const torch::Tensor live = in.mask.to(torch::kFloat32).contiguous();
    const torch::Tensor ends = in.process.positions.to(torch::kBool).contiguous();
    const torch::Tensor outcome = in.outcome_advantages.to(torch::kFloat64).contiguous();
    const auto id = ids.accessor<int64_t, 2>();
    const auto m = live.accessor<float, 2>();
    const auto end = ends.accessor<bool, 2>();
    const auto a = outcome.accessor<double, 1>();

    // Each row's steps as [first, last] token columns, and each step's node key.
    std::vector<std::vector<std::pair<int64_t, int64_t>>> steps(n);
    std::vector<std::vector<std::vector<int64_t>>> keys(n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t first = 0;
      for (int64_t t = 0; t < width; ++t) {
        if (!end[i][t] || m[i][t] == 0) continue;
        std::vector<int64_t> key;
        if (!prefix_) key.push_back(static_cast<int64_t>(steps[i].size()));
        for (int64_t u = prefix_ ? 0 : first; u <= t; ++u) key.push_back(id[i][u]);
        steps[i].emplace_back(first, t);
        keys[i].push_back(std::move(key));
        first = t + 1;
      }
    }
    torch::Tensor advantages = outcome.to(torch::kFloat32).unsqueeze(1).repeat({1, width});
    auto out = advantages.accessor<float, 2>();
    for (int64_t g0 = 0; g0 < n; g0 += group) {
      std::map<std::vector<int64_t>, std::pair<double, int64_t>> nodes;  // key -> (sum A, count)
      for (int64_t j = g0; j < g0 + group; ++j) {
        for (const auto& key : keys[j]) {
          auto& [sum, count] = nodes[key];
          sum += a[j], ++count;
        }
      }
      for (int64_t i = g0; i < g0 + group; ++i) {
        for (std::size_t k = 0; k < steps[i].size(); ++k) {
          const auto& [sum, count] = nodes.at(keys[i][k]);
          for (int64_t t = steps[i][k].first; t <= steps[i][k].second; ++t) {
            out[i][t] = static_cast<float>(sum / count);
          }
        }
      }
    }
    return advantages * live;  // [N, T]
  }

  std::string Describe() const override {
    return prefix_ ? "salt(merge=prefix)" : "salt(merge=step)";
  }

 private:
  bool prefix_;
};

}  // namespace

StepCreditRegistry::Entry SaltStepCredit() {
  return {"salt",
          "each step gets the mean outcome advantage of the group's completions that share it, "
          "from a trajectory graph (SALT, Li et al., arXiv:2510.20022)",
          {{"merge", "step",
            "step: equal steps at one position are one node; prefix: only equal histories are"}},
          [](const SpecArgs& a) {
            const std::string merge = a.Get<std::string>("merge");
            RLAB_CHECK(merge == "step" || merge == "prefix",
                       "credit salt: key 'merge' must be step or prefix, got '{}'", merge);
            return std::make_unique<SaltCredit>(merge == "prefix");
          }};
}

}  // namespace rlab::rl
