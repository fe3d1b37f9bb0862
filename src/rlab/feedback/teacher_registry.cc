#include "rlab/feedback/teacher_registry.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "rlab/feedback/imitation_teacher.h"
#include "rlab/feedback/scripted_teacher.h"

namespace rlab::feedback {

namespace {

std::string Text(double v) { return fmt::format("{}", v); }

// The keys of a scripted teacher, defaulting to `preset`'s values.
std::vector<KeyDoc> ScriptedKeys(const ScriptedTeacherOptions& preset) {
  return {
      {"beta", Text(preset.beta),
       "rationality; P(2nd) = sigmoid(beta (R2 - R1)); <= 0 is "
       "deterministic"},
      {"gamma", Text(preset.gamma), "myopia: step k of H weighs gamma^(H-1-k); 1 = far-sighted"},
      {"eps_mistake", Text(preset.eps_mistake), "probability of flipping the label"},
      {"eps_skip", Text(preset.eps_skip),
       "skip when max(R1, R2) <= eps_skip (H/T) (mean return of the last 10 episodes)"},
      {"eps_equal", Text(preset.eps_equal),
       "label 0.5 when |R1 - R2| < eps_equal (H/T) (mean return of the last 10 episodes)"},
  };
}

void RegisterScripted(TeacherRegistry& r, std::string name, std::string help,
                      const ScriptedTeacherOptions& preset) {
  r.Register({std::move(name), std::move(help), ScriptedKeys(preset),
              [](const SpecArgs& a) -> std::unique_ptr<Teacher> {
                ScriptedTeacherOptions o;
                o.beta = a.Get<double>("beta");
                o.gamma = a.Get<double>("gamma");
                o.eps_mistake = a.Get<double>("eps_mistake");
                o.eps_skip = a.Get<double>("eps_skip");
                o.eps_equal = a.Get<double>("eps_equal");
                return std::make_unique<ScriptedTeacher>(o);
              }});
}

void RegisterAll(TeacherRegistry& r) {
  // B-Pref's presets (Lee et al., arXiv:2111.03026, section 3.2).
  RegisterScripted(r, "scripted", "B-Pref's scripted teacher with every knob", {});
  RegisterScripted(r, "oracle", "B-Pref: perfectly rational, the larger return wins", {});
  RegisterScripted(r, "stochastic", "B-Pref: Bradley-Terry labels with beta = 1", {.beta = 1.0});
  RegisterScripted(r, "mistake", "B-Pref: rational labels flipped with probability 0.1",
                   {.eps_mistake = 0.1});
  RegisterScripted(r, "myopic", "B-Pref: rational over returns weighted gamma^(H-1-k), gamma 0.9",
                   {.gamma = 0.9});
  RegisterScripted(r, "skip", "B-Pref: skips queries whose best return is low (eps 0.1)",
                   {.eps_skip = 0.1});
  RegisterScripted(r, "equal", "B-Pref: calls ties when returns are close (eps 0.1)",
                   {.eps_equal = 0.1});
  r.Register({"bradley_terry",
              "imitation's synthetic teacher: sigmoid of the discounted return difference",
              {{"temperature", "1", "divides the return difference; 0 = deterministic"},
               {"discount", "1", "step k from the fragment's start weighs discount^k"},
               {"threshold", "50", "clip of the scaled return difference, as in imitation"}},
              [](const SpecArgs& a) -> std::unique_ptr<Teacher> {
                ImitationTeacherOptions o;
                o.temperature = a.Get<double>("temperature");
                o.discount = a.Get<double>("discount");
                o.threshold = a.Get<double>("threshold");
                return std::make_unique<ImitationBradleyTerryTeacher>(o);
              }});
}

}  // namespace

TeacherRegistry& Teachers() {
  static TeacherRegistry registry("teacher");
  return registry;
}

void RegisterTeachers() {
  TeacherRegistry& r = Teachers();
  if (RegisterOnce(r)) RegisterAll(r);
}

std::unique_ptr<Teacher> MakeTeacher(std::string_view spec) {
  RegisterTeachers();
  return Teachers().Create(spec);
}

}  // namespace rlab::feedback
