// The panel sets of the pipelines that ship with rewardlab, one function each.
#include "rlab/report/metric_panels.h"
#include "rlab/report/panels.h"

namespace rlab::report {

namespace {

// bt-recovery: how well the learned reward recovers the hidden one, as training goes on.
std::vector<Section> BtRecoveryPanels(const std::vector<RunData>& runs) {
  Section headline{"Headline: reward recovery",
                   "Held-out preference accuracy and Pearson correlation between the learned and "
                   "the hidden reward.",
                   {}};
  headline.panels.push_back({MetricOverSteps(runs, "heldout_accuracy", "held-out accuracy",
                                             Axis{"heldout_accuracy", std::nullopt, 1.0}),
                             "Agreement with the noise-free preference on held-out pairs."});
  headline.panels.push_back(
      {MetricOverSteps(runs, "pearson", "Pearson correlation", Axis{"pearson", std::nullopt, 1.0}),
       "Correlation of learned and hidden rewards on held-out items."});
  return {headline};
}

}  // namespace

void RegisterBuiltins() {
  if (RegisterOnce(PipelinePanels())) {
    RegisterPanels("bt-recovery", "held-out accuracy and Pearson over steps", BtRecoveryPanels);
  }
}

}  // namespace rlab::report
