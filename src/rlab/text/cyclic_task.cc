#include "rlab/text/cyclic_task.h"

#include <fmt/format.h>

#include <algorithm>

#include "rlab/core/check.h"

namespace rlab::data {

namespace {

// Invalid responses: a word of no type, or a surface form without its full stop.
const std::vector<std::string>& InvalidWords() {
  static const std::vector<std::string> words = {"maybe", "none", "pass", "both"};
  return words;
}

}  // namespace

void CyclicOptions::Validate() const {
  for (const auto& [name, p] : {std::pair{"rock_beats_scissors", rock_beats_scissors},
                                std::pair{"scissors_beat_paper", scissors_beat_paper},
                                std::pair{"paper_beats_rock", paper_beats_rock}}) {
    RLAB_CHECK(p >= 0 && p <= 1, "cyclic: {} is a probability; got {}", name, p);
  }
  RLAB_CHECK(invalid_rate >= 0 && invalid_rate <= 1,
             "cyclic: invalid_rate must be in [0, 1], got {}", invalid_rate);
}

CyclicTask::CyclicTask(CyclicOptions options) : options_(options) { options_.Validate(); }

const std::vector<std::string>& CyclicTask::Prompts() {
  static const std::vector<std::string> prompts = {
      "river:", "market:", "winter:", "castle:", "harbor:", "garden:", "desert:", "library:"};
  return prompts;
}

const std::vector<std::vector<std::string>>& CyclicTask::SurfaceForms() {
  static const std::vector<std::vector<std::string>> forms = {
      {"rock", "stone", "pebble", "boulder"},
      {"scissors", "blade", "shears", "knife"},
      {"paper", "sheet", "page", "scroll"},
  };
  return forms;
}

std::vector<std::string> CyclicTask::TypeNames() const { return {"rock", "scissors", "paper"}; }

std::vector<std::vector<double>> CyclicTask::TypePreference() const {
  const double rs = options_.rock_beats_scissors, sp = options_.scissors_beat_paper,
               pr = options_.paper_beats_rock;
  return {{0.5, rs, 1 - pr}, {1 - rs, 0.5, sp}, {pr, 1 - sp, 0.5}};
}

void CyclicTask::CheckPrompt(std::string_view prompt) const {
  RLAB_CHECK(std::find(Prompts().begin(), Prompts().end(), prompt) != Prompts().end(),
             "cyclic: prompt '{}' is not one of this task's", prompt);
}

std::string CyclicTask::SampleValid(Rng& rng) const {
  const auto& forms = SurfaceForms()[rng.UniformInt(static_cast<int64_t>(SurfaceForms().size()))];
  return " " + forms[rng.UniformInt(static_cast<int64_t>(forms.size()))] + ".";
}

TaskExample CyclicTask::Sample(Rng& rng, TaskSplit /*split*/) const {
  std::string prompt = Prompts()[rng.UniformInt(static_cast<int64_t>(Prompts().size()))];
  return {std::move(prompt), SampleValid(rng)};
}

std::string CyclicTask::SampleResponse(std::string_view prompt, Rng& rng) const {
  CheckPrompt(prompt);
  if (!rng.Bernoulli(options_.invalid_rate)) return SampleValid(rng);
  if (rng.Bernoulli(0.5)) {
    return " " + InvalidWords()[rng.UniformInt(static_cast<int64_t>(InvalidWords().size()))] + ".";
  }
  const std::string valid = SampleValid(rng);
  return valid.substr(0, valid.size() - 1);  // the full stop left out
}

int64_t CyclicTask::TypeOf(std::string_view completion) const {
  completion = completion.substr(0, completion.find('\n'));
  while (!completion.empty() && completion.front() == ' ') completion.remove_prefix(1);
  while (!completion.empty() && completion.back() == ' ') completion.remove_suffix(1);
  if (completion.empty() || completion.back() != '.') return kNoType;
  completion.remove_suffix(1);
  const auto& forms = SurfaceForms();
  for (std::size_t t = 0; t < forms.size(); ++t) {
    if (std::find(forms[t].begin(), forms[t].end(), completion) != forms[t].end()) {
      return static_cast<int64_t>(t);
    }
  }
  return kNoType;
}

double CyclicTask::GoldPreference(std::string_view prompt, std::string_view a,
                                  std::string_view b) const {
  CheckPrompt(prompt);
  const int64_t ta = TypeOf(a), tb = TypeOf(b);
  if (ta == kNoType || tb == kNoType) return ta == tb ? 0.5 : (ta == kNoType ? 0.0 : 1.0);
  return TypePreference()[ta][tb];
}

double CyclicTask::GoldReward(std::string_view prompt, std::string_view completion) const {
  CheckPrompt(prompt);
  const double invalid = options_.invalid_rate;
  const int64_t t = TypeOf(completion);
  if (t == kNoType) return invalid * 0.5;
  const std::vector<std::vector<double>> matrix = TypePreference();
  double against_valid = 0.0;
  for (double p : matrix[t]) against_valid += p / static_cast<double>(matrix.size());
  return (1 - invalid) * against_valid + invalid;
}

int64_t CyclicTask::MaxCompletionChars() const {
  std::size_t longest = 0;
  for (const auto& forms : SurfaceForms()) {
    for (const std::string& f : forms) longest = std::max(longest, f.size());
  }
  return static_cast<int64_t>(longest) + 2;  // the leading space and the full stop
}

std::string CyclicTask::Describe() const {
  return fmt::format("cyclic(rock_beats_scissors={}, scissors_beat_paper={}, paper_beats_rock={}, "
                     "invalid_rate={})",
                     options_.rock_beats_scissors, options_.scissors_beat_paper,
                     options_.paper_beats_rock, options_.invalid_rate);
}

}  // namespace rlab::data
