// columns: preference data whose columns have other names than TRL's, mapped one by one:
//   rlab data convert pairs.csv pairs.jsonl --from columns --prompt question --chosen good
//       --rejected bad --subset category
// (or --from "columns(prompt=question, chosen=good, rejected=bad, subset=category)"). Each
// mapped column holds text, or a list of {"role", "content"} messages (TRL's conversational
// layout), written unchanged; the input's "idx" or "id" is kept as "id", and every other
// column is left out. A number or boolean where text belongs is written as text and counted.
#include <fmt/format.h>

#include <string>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/text/preference_formats.h"

namespace rlab::data {

namespace {

std::string ColumnNames(const nlohmann::json& o) {
  std::string names;
  for (const auto& [key, value] : o.items()) names += (names.empty() ? "" : ", ") + key;
  return names;
}

class ColumnsFormat : public PreferenceFormat {
 public:
  explicit ColumnsFormat(const SpecArgs& args)
      : prompt_(args.Raw("prompt")),
        chosen_(args.Raw("chosen")),
        rejected_(args.Raw("rejected")),
        subset_(args.Raw("subset")) {
    RLAB_CHECK(!chosen_.empty() && !rejected_.empty(),
               "preference format 'columns': name the columns of the preferred and the other "
               "response (--chosen COLUMN --rejected COLUMN)");
    RLAB_CHECK(chosen_ != rejected_,
               "preference format 'columns': --chosen and --rejected both name column '{}'",
               chosen_);
  }

  ConvertedRecord Convert(const nlohmann::json& o, const std::string& where) const override {
    RLAB_CHECK(o.is_object(), "{}: expected a JSON object, found {}", where, o.dump());
    ConvertedRecord c;
    if (!prompt_.empty()) c.record["prompt"] = Column(o, prompt_, "--prompt", where, c);
    const nlohmann::json chosen = Column(o, chosen_, "--chosen", where, c);
    const nlohmann::json rejected = Column(o, rejected_, "--rejected", where, c);
    c.record["chosen"] = chosen;
    c.record["rejected"] = rejected;
    CopyIdAndSubset(o, {}, c.record);
    if (!subset_.empty()) {
      const nlohmann::json subset = Column(o, subset_, "--subset", where, c);
      RLAB_CHECK(subset.is_string(), "{}: column '{}' (--subset) must be text, found {}", where,
                 subset_, subset.dump());
      c.record["subset"] = subset;
    }
    for (const auto& [value, column] : {std::pair{&chosen, &chosen_}, {&rejected, &rejected_}}) {
      if (value->is_string() && value->get<std::string>().empty() && c.empty_field.empty()) {
        c.empty_field = *column;
      }
    }
    c.identical = chosen == rejected;
    return c;
  }

 private:
  // Column `name` of `o`: text or a list of messages; a number or boolean becomes text.
  static nlohmann::json Column(const nlohmann::json& o, const std::string& name, const char* flag,
                               const std::string& where, ConvertedRecord& c) {
    RLAB_CHECK(o.contains(name), "{}: missing column '{}' ({}); the record's columns are: {}",
               where, name, flag, ColumnNames(o));
    const nlohmann::json& v = o[name];
    if (v.is_string() || v.is_array()) return v;
    RLAB_CHECK(v.is_boolean() || v.is_number(),
               "{}: column '{}' ({}) must be text or a list of {{\"role\", \"content\"}} "
               "messages, found {}",
               where, name, flag, v.dump());
    c.coerced_fields.push_back(name);
    if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
    return v.dump();
  }

  std::string prompt_, chosen_, rejected_, subset_;
};

}  // namespace

std::unique_ptr<PreferenceFormat> MakeColumnsFormat(const SpecArgs& args) {
  return std::make_unique<ColumnsFormat>(args);
}

}  // namespace rlab::data
