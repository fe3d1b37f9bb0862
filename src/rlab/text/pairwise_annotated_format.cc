// pairwise-annotated: two responses to one instruction, judged by one or more people.
//
// PandaLM's human-annotated test set (Wang et al., "PandaLM: An Automatic Evaluation Benchmark
// for LLM Instruction Tuning Optimization", arXiv:2306.05087; data/testset-v1.json in
// WeOpenML/PandaLM): "instruction", "input" (may be empty), "response1", "response2",
// "annotator1".."annotator3" with 1 = response1 better, 2 = response2 better, 0 = tie, plus
// "idx", "cmp_key" and "motivation_app" (the application the instruction was written for,
// kept as "subset").
// LLMBar (Zeng et al., "Evaluating Large Language Models at Evaluating Instruction Following",
// arXiv:2310.07641; its dataset.json files): "input" (the instruction), "output_1",
// "output_2", "label" with 1 or 2.
//
// PandaLM's file holds a few responses as JSON true (records 157-164, where the neighbouring
// answers read "True."): a tool on the way seems to have turned the text "True" into a boolean.
// A boolean or number response is therefore written as text ("True", "False", the number as
// JSON writes it) and counted, rather than refused.
//
// The label is the strict majority of the labels; with none (1, 2, 0) or a majority of 0 the
// record is a tie, written with response1 as "chosen".
#include <fmt/format.h>

#include <array>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/text/preference_formats.h"

namespace rlab::data {

namespace {

// A response: a string, or a boolean or number taken as its text (see above).
std::string ResponseText(const nlohmann::json& o, const char* field, const std::string& where,
                         ConvertedRecord& c) {
  RLAB_CHECK(o.contains(field), "{}: missing field '{}'", where, field);
  const nlohmann::json& v = o[field];
  if (v.is_string()) return v.get<std::string>();
  RLAB_CHECK(v.is_boolean() || v.is_number(),
             "{}: field '{}' must be a string (the response), found {}", where, field, v.dump());
  c.coerced_fields.push_back(field);
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  return v.dump();
}

struct Label {
  std::string field;
  int value;  // 0 tie, 1 first better, 2 second better
};

int LabelValue(const nlohmann::json& v, const std::string& field, const std::string& where) {
  const bool integral = v.is_number_integer() || v.is_number_unsigned();
  const int64_t x = integral ? v.get<int64_t>() : -1;
  RLAB_CHECK(x == 0 || x == 1 || x == 2,
             "{}: field '{}' must be 0 (tie), 1 (the first response is better) or 2 (the second "
             "is better), found {}",
             where, field, v.dump());
  return static_cast<int>(x);
}

// "annotator*" fields, or else a single "label" or "preference".
std::vector<Label> Labels(const nlohmann::json& o, const std::string& where) {
  std::vector<Label> labels;
  for (const auto& [key, value] : o.items()) {
    if (key.starts_with("annotator")) labels.push_back({key, LabelValue(value, key, where)});
  }
  const bool has_label = o.contains("label"), has_preference = o.contains("preference");
  RLAB_CHECK(labels.empty() ? !(has_label && has_preference) : !(has_label || has_preference),
             "{}: the labels are ambiguous: give annotator fields, or one 'label', or one "
             "'preference', not several of these",
             where);
  for (const char* single : {"label", "preference"}) {
    if (o.contains(single)) labels.push_back({single, LabelValue(o[single], single, where)});
  }
  RLAB_CHECK(!labels.empty(),
             "{}: no label: expected fields 'annotator1', 'annotator2', ... or a single 'label' "
             "or 'preference' (1 = the first response is better, 2 = the second, 0 = tie)",
             where);
  return labels;
}

// The names of one layout's fields.
struct Layout {
  const char* first;
  const char* second;
};
constexpr std::array<Layout, 2> kLayouts = {{{"response1", "response2"},  // PandaLM
                                             {"output_1", "output_2"}}};  // LLMBar

class PairwiseAnnotatedFormat : public PreferenceFormat {
 public:
  ConvertedRecord Convert(const nlohmann::json& o, const std::string& where) const override {
    RLAB_CHECK(o.is_object(), "{}: expected a JSON object, found {}", where, o.dump());
    // The prompt: PandaLM's instruction and input, or LLMBar's input alone.
    std::string prompt;
    if (o.contains("instruction")) {
      prompt = StringField(o, "instruction", where);
      const std::string input = o.contains("input") ? StringField(o, "input", where) : "";
      if (!input.empty()) prompt += "\n\n" + input;
    } else {
      RLAB_CHECK(o.contains("input"),
                 "{}: missing field 'instruction' (PandaLM's layout) or 'input' (LLMBar's): the "
                 "prompt",
                 where);
      prompt = StringField(o, "input", where);
    }
    const Layout* layout = nullptr;
    for (const Layout& l : kLayouts) {
      if (layout == nullptr && (o.contains(l.first) || o.contains(l.second))) layout = &l;
    }
    RLAB_CHECK(layout != nullptr,
               "{}: missing the responses: fields 'response1' and 'response2' (PandaLM's "
               "layout) or 'output_1' and 'output_2' (LLMBar's)",
               where);
    ConvertedRecord c;
    const std::string first = ResponseText(o, layout->first, where, c);
    const std::string second = ResponseText(o, layout->second, where, c);

    const std::vector<Label> labels = Labels(o, where);
    std::array<int, 3> votes{};
    for (const Label& l : labels) ++votes[l.value];
    const int n = static_cast<int>(labels.size());
    int winner = -1;
    for (int v = 0; v < 3; ++v) {
      if (2 * votes[v] > n) winner = v;
    }

    c.labels = n;
    c.unanimous = votes[labels[0].value] == n;
    c.has_majority = winner >= 0;
    c.tie = winner <= 0;
    const bool second_wins = winner == 2;
    c.record["prompt"] = prompt;
    c.record["chosen"] = second_wins ? second : first;
    c.record["rejected"] = second_wins ? first : second;
    if (c.tie) c.record["tie"] = true;
    CopyIdAndSubset(o, {"motivation_app", "subset"}, c.record);
    if (first.empty()) c.empty_field = layout->first;
    if (second.empty() && c.empty_field.empty()) c.empty_field = layout->second;
    c.identical = first == second;
    return c;
  }
};

}  // namespace

std::unique_ptr<PreferenceFormat> MakePairwiseAnnotatedFormat() {
  return std::make_unique<PairwiseAnnotatedFormat>();
}

}  // namespace rlab::data
