// The General Preference Model (Zhang et al., "General Preference Modeling with Preference
// Representations for Aligning Language Models", arXiv:2410.02197). Each response gets a
// preference embedding v in R^2k and
//   P(a > b) = sigmoid(<R v_a, v_b>) = sigmoid(sum_l a_2l b_2l+1 - a_2l+1 b_2l),
// R block-diagonal with k blocks [[0, -1], [1, 0]]. The score is antisymmetric, so
// P(a > b) + P(b > a) = 1 and P(a > a) = 1/2, and unlike any scalar reward it can hold
// cyclic preferences (three embeddings 120 degrees apart fit A > B > C > A). The paper's
// prompt-dependent eigenvalue gate and embedding normalisation are left out: the head's scale
// plays their part. There is no scalar reward; later stages compare responses pairwise.
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/reward/model/preference_losses.h"
#include "rlab/reward/model/rm_objective.h"

namespace rlab::reward {

namespace {

class GpmObjective : public RewardModelObjective {
 public:
  explicit GpmObjective(int64_t dims) : dims_(dims) {
    RLAB_CHECK(dims >= 2 && dims % 2 == 0, "gpm: dims must be even and >= 2, got {}", dims);
  }
  int64_t head_size() const override { return dims_; }
  torch::Tensor PreferenceLogit(const torch::Tensor& a, const torch::Tensor& b) const override {
    using torch::indexing::Slice;
    const torch::Tensor a_even = a.index({Slice(), Slice(0, None, 2)});
    const torch::Tensor a_odd = a.index({Slice(), Slice(1, None, 2)});
    const torch::Tensor b_even = b.index({Slice(), Slice(0, None, 2)});
    const torch::Tensor b_odd = b.index({Slice(), Slice(1, None, 2)});
    return (a_even * b_odd - a_odd * b_even).sum(1);
  }
  torch::Tensor Loss(const torch::Tensor& outputs, const RmTargets& t) const override {
    const int64_t pairs = t.chosen_rows.numel();
    torch::Tensor pair_loss = torch::zeros({}, outputs.options());
    if (pairs > 0) {
      pair_loss = SoftLogisticLoss(
          PreferenceLogit(Rows(outputs, t.chosen_rows), Rows(outputs, t.rejected_rows)) - t.margin,
          t.tie, 0.0);
    }
    // A ranking is every ordered pair it implies, best over worse.
    torch::Tensor ranking_loss = torch::zeros({}, outputs.options());
    for (const torch::Tensor& rows : t.rankings) {
      const torch::Tensor pair_index = torch::triu_indices(rows.numel(), rows.numel(), 1);
      const torch::Tensor better = rows.index_select(0, pair_index[0]);
      const torch::Tensor worse = rows.index_select(0, pair_index[1]);
      ranking_loss =
          ranking_loss +
          torch::softplus(-PreferenceLogit(Rows(outputs, better), Rows(outputs, worse))).mean();
    }
    if (!t.rankings.empty()) ranking_loss = ranking_loss / static_cast<double>(t.rankings.size());
    return MixByRecords(pair_loss, pairs, ranking_loss, static_cast<int64_t>(t.rankings.size()));
  }
  std::optional<torch::Tensor> Reward(const torch::Tensor&) const override { return std::nullopt; }
  std::string Describe() const override { return fmt::format("gpm(dims={})", dims_); }

 private:
  static constexpr auto None = torch::indexing::None;
  int64_t dims_;
};

}  // namespace

void RegisterGpmObjective(RmObjectiveRegistry& registry) {
  registry.Register({"gpm",
                     "General Preference Model: sigmoid(<R v_a, v_b>), fits cyclic preferences",
                     {{"dims", "4", "size of the preference embedding (even)"}},
                     [](const SpecArgs& a) -> std::unique_ptr<RewardModelObjective> {
                       return std::make_unique<GpmObjective>(a.Get<int64_t>("dims"));
                     }});
}

}  // namespace rlab::reward
