#include "rlab/text/text_task.h"

#include <fmt/format.h>

#include "rlab/text/arithmetic_task.h"
#include "rlab/text/chain_task.h"
#include "rlab/text/cyclic_task.h"
#include "rlab/text/keyword_task.h"

namespace rlab::data {

namespace {
std::string Text(double v) { return fmt::format("{}", v); }
}  // namespace

double TextTask::GoldPreference(std::string_view prompt, std::string_view a,
                                std::string_view b) const {
  const double ra = GoldReward(prompt, a), rb = GoldReward(prompt, b);
  return ra > rb ? 1.0 : (ra < rb ? 0.0 : 0.5);
}

TextTaskRegistry& TextTasks() {
  static TextTaskRegistry registry("text task");
  return registry;
}

void RegisterTextTasks() {
  TextTaskRegistry& r = TextTasks();
  if (!RegisterOnce(r)) return;
  r.Register({"arithmetic",
              "prompts A<op>B= answered by the exact result (exact-match reward)",
              {{"digits", "2", "operand digits"},
               {"ops", "+", "operators to draw from: any of + - *"},
               {"test_share_percent", "10", "operand pairs held out for the test split"},
               {"demo_error_percent", "0",
                "share of SFT demonstrations answered one too high (a flawed demonstrator)"}},
              [](const SpecArgs& a) -> std::unique_ptr<TextTask> {
                ArithmeticOptions o;
                o.digits = a.Get<int>("digits");
                o.ops = a.Get<std::string>("ops");
                o.test_share_percent = a.Get<int>("test_share_percent");
                o.demo_error_percent = a.Get<int>("demo_error_percent");
                return std::make_unique<ArithmeticTask>(o);
              }});
  const ChainOptions chain;
  r.Register({"chain",
              "chained arithmetic evaluated left to right, one operation a step: prompts "
              "12+7*3-9= answered 12+7=19;19*3=57;57-9=48 (exact match of the final answer; "
              "gold labels per step)",
              {{"steps", std::to_string(chain.steps), "operations per problem"},
               {"digits", std::to_string(chain.digits), "operand digits"},
               {"ops", chain.ops, "operators to draw from: any of + - *"},
               {"test_share_percent", std::to_string(chain.test_share_percent),
                "problems held out for the test split"},
               {"demo_step_error_percent", std::to_string(chain.demo_step_error_percent),
                "per step of an SFT demonstration, the chance its result is off by 1 to 3 (later "
                "steps carry the wrong value on)"}},
              [](const SpecArgs& a) -> std::unique_ptr<TextTask> {
                ChainOptions o;
                o.steps = a.Get<int>("steps");
                o.digits = a.Get<int>("digits");
                o.ops = a.Get<std::string>("ops");
                o.test_share_percent = a.Get<int>("test_share_percent");
                o.demo_step_error_percent = a.Get<int>("demo_step_error_percent");
                return std::make_unique<ChainTask>(o);
              }});
  const KeywordOptions k;
  r.Register({"keywords",
              "topic prompts answered by short sentences, scored by a hidden function of topic "
              "words, repetition and length",
              {{"ideal_words", std::to_string(k.ideal_words), "longer sentences are penalised"},
               {"repeat_penalty", Text(k.repeat_penalty), "per repeated word"},
               {"length_penalty", Text(k.length_penalty), "per word beyond ideal"},
               {"topic_rate", Text(k.topic_rate), "demonstrations: share of topic words"}},
              [](const SpecArgs& a) -> std::unique_ptr<TextTask> {
                KeywordOptions o;
                o.ideal_words = a.Get<int>("ideal_words");
                o.repeat_penalty = a.Get<double>("repeat_penalty");
                o.length_penalty = a.Get<double>("length_penalty");
                o.topic_rate = a.Get<double>("topic_rate");
                return std::make_unique<KeywordTask>(o);
              }});
  const CyclicOptions c;
  r.Register({"cyclic",
              "place prompts answered by one word of three types whose gold preference cycles "
              "(rock > scissors > paper > rock): an intransitive judge with a mixed Nash "
              "equilibrium",
              {{"rock_beats_scissors", Text(c.rock_beats_scissors), "P(rock > scissors)"},
               {"scissors_beat_paper", Text(c.scissors_beat_paper), "P(scissors > paper)"},
               {"paper_beats_rock", Text(c.paper_beats_rock), "P(paper > rock)"},
               {"invalid_rate", Text(c.invalid_rate),
                "share of invalid text among the responses that preference pairs draw"}},
              [](const SpecArgs& a) -> std::unique_ptr<TextTask> {
                CyclicOptions o;
                o.rock_beats_scissors = a.Get<double>("rock_beats_scissors");
                o.scissors_beat_paper = a.Get<double>("scissors_beat_paper");
                o.paper_beats_rock = a.Get<double>("paper_beats_rock");
                o.invalid_rate = a.Get<double>("invalid_rate");
                return std::make_unique<CyclicTask>(o);
              }});
}

std::unique_ptr<TextTask> MakeTextTask(std::string_view spec) {
  RegisterTextTasks();
  return TextTasks().Create(spec);
}

}  // namespace rlab::data
