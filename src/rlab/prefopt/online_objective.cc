#include "rlab/prefopt/online_objective.h"

namespace rlab::prefopt {

OnlineObjectiveRegistry& OnlineObjectives() {
  static OnlineObjectiveRegistry registry("online objective");
  return registry;
}

void RegisterOnlineObjectives() {
  OnlineObjectiveRegistry& r = OnlineObjectives();
  if (!RegisterOnce(r)) return;
  r.Register(OnlineDpoObjective());
  r.Register(WestOfNObjective());
  r.Register(SppoObjective());
  r.Register(GpoObjective());
  r.Register(SpoObjective());
  r.Register(InpoObjective());
  r.Register(DnoObjective());
  r.Register(NashMdObjective());
  r.Register(CreamObjective());
  r.Register(RlsfObjective());
  r.Register(OspObjective());
}

std::unique_ptr<OnlineObjective> MakeOnlineObjective(std::string_view spec) {
  RegisterOnlineObjectives();
  return OnlineObjectives().Create(spec);
}

}  // namespace rlab::prefopt
