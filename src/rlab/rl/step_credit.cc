#include "rlab/rl/step_credit.h"

namespace rlab::rl {

StepCreditRegistry& StepCredits() {
  static StepCreditRegistry registry("step credit");
  return registry;
}

void RegisterStepCredits() {
  StepCreditRegistry& r = StepCredits();
  if (!RegisterOnce(r)) return;
  // One line per entry (rl/step_credits/).
  r.Register(SumStepCredit());
  r.Register(PureStepCredit());
  r.Register(ClipStepCredit());
  r.Register(DeltaStepCredit());
  r.Register(GatedStepCredit());
  r.Register(SaltStepCredit());
  r.Register(SpaStepCredit());
}

std::unique_ptr<StepCredit> MakeStepCredit(std::string_view spec) {
  RegisterStepCredits();
  return StepCredits().Create(spec);
}

}  // namespace rlab::rl
