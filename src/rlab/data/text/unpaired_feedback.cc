#include "rlab/data/text/unpaired_feedback.h"

#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/data/text/record_file.h"

namespace rlab::data {

namespace {

std::string TextField(const nlohmann::json& o, const char* field, const std::string& where) {
  RLAB_CHECK(o.contains(field), "{}: missing field '{}' (unpaired records need prompt, "
             "completion and label)", where, field);
  RLAB_CHECK(!o[field].is_array(), "{}: field '{}' is a message list; conversational unpaired "
             "records are not supported yet, render them to text first", where, field);
  RLAB_CHECK(o[field].is_string(), "{}: field '{}' must be a string, found {}", where, field,
             o[field].dump());
  return o[field].get<std::string>();
}

}  // namespace

std::vector<UnpairedRecord> ReadUnpairedRecords(const std::filesystem::path& path) {
  std::vector<UnpairedRecord> out;
  ForEachRecord(path, [&](const nlohmann::json& o, const std::string& where) {
    RLAB_CHECK(o.is_object(), "{}: a record must be a JSON object", where);
    UnpairedRecord r{TextField(o, "prompt", where), TextField(o, "completion", where), true, where};
    RLAB_CHECK(!r.completion.empty(), "{}: field 'completion' is an empty string", where);
    RLAB_CHECK(o.contains("label") && o["label"].is_boolean(),
               "{}: field 'label' must be true (desirable) or false (undesirable)", where);
    r.desirable = o["label"].get<bool>();
    out.push_back(std::move(r));
  });
  return out;
}

bool IsUnpairedFeedbackFile(const std::filesystem::path& path) {
  bool unpaired = false, first = true;
  ForEachRecord(path, [&](const nlohmann::json& o, const std::string&) {
    if (first) unpaired = o.is_object() && o.contains("label") && o.contains("completion");
    first = false;
  });
  return unpaired;
}

std::vector<UnpairedRecord> UnpairPreferences(const std::vector<PreferenceRecord>& records) {
  std::vector<UnpairedRecord> out;
  for (const PreferenceRecord& r : records) {
    if (r.tie) continue;
    for (std::size_t i = 0; i < r.responses.size(); ++i) {
      out.push_back({r.prompt, r.responses[i], i == 0, r.where});
    }
  }
  return out;
}

}  // namespace rlab::data
