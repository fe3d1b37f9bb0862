#include "rlab/eval/tabular_specs.h"

#include <memory>

#include "rlab/core/spec.h"
#include "rlab/envs/tabular/grid_world.h"
#include "rlab/envs/tabular/random_mdp.h"

namespace rlab::eval {

namespace tabular = envs::tabular;

namespace {

void RegisterAll(TabularMdpRegistry& r) {
  r.Register({"GridWorld",
              "a grid with one goal of reward 1 in the bottom-right cell",
              {{"rows", "4", "rows of the grid"},
               {"cols", "4", "columns of the grid"},
               {"slip", "0", "probability of moving sideways instead, in [0, 1]"},
               {"step_cost", "0", "cost of every step from a non-goal cell"},
               {"gamma", "0.9", "discount in [0, 1)"}},
              [](const SpecArgs& a) {
                tabular::GridWorldOptions o;
                o.rows = a.Get<int64_t>("rows");
                o.cols = a.Get<int64_t>("cols");
                o.slip = a.Get<double>("slip");
                o.step_cost = a.Get<double>("step_cost");
                o.gamma = a.Get<double>("gamma");
                return std::make_unique<tabular::FiniteMdp>(tabular::MakeGridWorld(o));
              }});
  r.Register({"RandomMdp",
              "random dynamics and N(0, reward_std) rewards",
              {{"num_states", "5", "number of states"},
               {"num_actions", "3", "number of actions"},
               {"successors", "0", "next states per (s, a); 0: all"},
               {"concentration", "1", "Dirichlet parameter of the transition rows"},
               {"reward_std", "1", "standard deviation of the rewards"},
               {"gamma", "0.9", "discount in [0, 1)"},
               {"seed", "0", "seed of the MDP"}},
              [](const SpecArgs& a) {
                tabular::RandomMdpOptions o;
                o.num_states = a.Get<int64_t>("num_states");
                o.num_actions = a.Get<int64_t>("num_actions");
                o.successors = a.Get<int64_t>("successors");
                o.concentration = a.Get<double>("concentration");
                o.reward_std = a.Get<double>("reward_std");
                o.gamma = a.Get<double>("gamma");
                o.seed = a.Get<uint64_t>("seed");
                return std::make_unique<tabular::FiniteMdp>(tabular::MakeRandomMdp(o));
              }});
}

}  // namespace

const TabularMdpRegistry& TabularMdps() {
  static const TabularMdpRegistry registry = [] {
    TabularMdpRegistry r("finite MDP");
    RegisterAll(r);
    return r;
  }();
  return registry;
}

bool IsTabularSpec(std::string_view spec) { return TabularMdps().Contains(Spec::Parse(spec).name); }

tabular::FiniteMdp MakeTabularMdp(std::string_view spec) {
  tabular::FiniteMdp mdp = *TabularMdps().Create(spec);
  mdp.Validate();
  return mdp;
}

}  // namespace rlab::eval
