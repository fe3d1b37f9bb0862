// sharegpt: preference data in the ShareGPT layout as LLaMA-Factory reads it (hiyouga/
// LLaMA-Factory, data/README.md, "Preference Dataset" in the sharegpt format):
//   {"conversations": [{"from": "human", "value": ...}, {"from": "gpt", ...}, ...,
//                      {"from": "human", "value": ...}],
//    "chosen": {"from": "gpt", "value": ...}, "rejected": {"from": "gpt", "value": ...},
//    "system": "..." (optional)}
// The conversation ends with the human turn that chosen and rejected answer; chosen and
// rejected may also be plain strings. The output is TRL's conversational layout: "prompt" as
// {role, content} messages (human -> user, gpt -> assistant, system -> system), "chosen" and
// "rejected" as one assistant message each.
#include <fmt/format.h>

#include <string>

#include "rlab/core/check.h"
#include "rlab/text/preference_formats.h"

namespace rlab::data {

namespace {

std::string Role(const std::string& from, const std::string& where, const std::string& field) {
  if (from == "human") return "user";
  if (from == "gpt") return "assistant";
  if (from == "system") return "system";
  RLAB_FAIL("{}: field '{}.from' is '{}'; expected human, gpt or system", where, field, from);
}

nlohmann::ordered_json Message(const std::string& role, const std::string& content) {
  nlohmann::ordered_json m;
  m["role"] = role;
  m["content"] = content;
  return m;
}

// A chosen or rejected answer: {"from": "gpt", "value": ...} or a string.
std::string Answer(const nlohmann::json& o, const char* field, const std::string& where,
                   std::string& empty_field) {
  RLAB_CHECK(o.contains(field),
             "{}: missing field '{}' (the answer, {{\"from\": \"gpt\", "
             "\"value\": ...}} or a string)",
             where, field);
  const nlohmann::json& v = o[field];
  std::string text, named = field;
  if (v.is_string()) {
    text = v.get<std::string>();
  } else {
    RLAB_CHECK(v.is_object(),
               "{}: field '{}' must be a {{\"from\": \"gpt\", \"value\": ...}} "
               "object or a string, found {}",
               where, field, v.dump());
    const std::string from = StringField(v, "from", where, field);
    RLAB_CHECK(from == "gpt", "{}: field '{}.from' is '{}'; an answer comes from gpt", where, field,
               from);
    text = StringField(v, "value", where, field);
    named += ".value";
  }
  if (text.empty() && empty_field.empty()) empty_field = named;
  return text;
}

class ShareGptFormat : public PreferenceFormat {
 public:
  ConvertedRecord Convert(const nlohmann::json& o, const std::string& where) const override {
    RLAB_CHECK(o.is_object(), "{}: expected a JSON object, found {}", where, o.dump());
    RLAB_CHECK(
        o.contains("conversations") && o["conversations"].is_array() && !o["conversations"].empty(),
        "{}: field 'conversations' must be a non-empty list of {{\"from\", \"value\"}} "
        "turns",
        where);
    nlohmann::ordered_json prompt = nlohmann::ordered_json::array();
    if (o.contains("system")) {
      const std::string system = StringField(o, "system", where);
      if (!system.empty()) prompt.push_back(Message("system", system));
    }
    const nlohmann::json& turns = o["conversations"];
    std::string last_from;
    for (std::size_t i = 0; i < turns.size(); ++i) {
      const std::string field = fmt::format("conversations[{}]", i);
      RLAB_CHECK(turns[i].is_object(), "{}: field '{}' must be a {{\"from\", \"value\"}} object",
                 where, field);
      last_from = StringField(turns[i], "from", where, field);
      prompt.push_back(
          Message(Role(last_from, where, field), StringField(turns[i], "value", where, field)));
    }
    RLAB_CHECK(last_from == "human",
               "{}: field 'conversations[{}]' is from '{}'; the conversation must end with the "
               "human turn that 'chosen' and 'rejected' answer",
               where, turns.size() - 1, last_from);

    ConvertedRecord c;
    const std::string chosen = Answer(o, "chosen", where, c.empty_field);
    const std::string rejected = Answer(o, "rejected", where, c.empty_field);
    c.record["prompt"] = std::move(prompt);
    c.record["chosen"] = nlohmann::ordered_json::array({Message("assistant", chosen)});
    c.record["rejected"] = nlohmann::ordered_json::array({Message("assistant", rejected)});
    CopyIdAndSubset(o, {"subset"}, c.record);
    c.identical = chosen == rejected;
    return c;
  }
};

}  // namespace

std::unique_ptr<PreferenceFormat> MakeShareGptFormat() {
  return std::make_unique<ShareGptFormat>();
}

}  // namespace rlab::data
