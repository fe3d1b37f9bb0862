#include "rlab/text/unpaired_feedback.h"

#include <nlohmann/json.hpp>

#include <utility>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/text/record_file.h"

namespace rlab::data {

namespace {

std::string TextField(const nlohmann::json& o, const char* field, const std::string& where) {
  RLAB_CHECK(o[field].is_string(), "{}: field '{}' must be a string, found {}", where, field,
             o[field].dump());
  return o[field].get<std::string>();
}

// The prompt and completion as text: both strings, or both message lists (conversational).
std::pair<std::string, std::string> PromptAndCompletion(const nlohmann::json& o,
                                                        const models::ChatTemplate& chat,
                                                        const std::string& where) {
  for (const char* field : {"prompt", "completion"}) {
    RLAB_CHECK(o.contains(field),
               "{}: missing field '{}' (unpaired records need prompt, completion and label)", where,
               field);
  }
  const bool conversational = o["prompt"].is_array();
  RLAB_CHECK(o["completion"].is_array() == conversational,
             "{}: field 'completion' must be {} like field 'prompt'", where,
             conversational ? "a message list" : "a string");
  if (!conversational) return {TextField(o, "prompt", where), TextField(o, "completion", where)};
  const auto prompt = ParseChatMessages(o["prompt"], where, "prompt");
  const auto completion = ParseChatMessages(o["completion"], where, "completion");
  RLAB_CHECK(!completion.empty(), "{}: field 'completion' is an empty message list", where);
  return {chat.Render(prompt, /*add_generation_prompt=*/true),
          RenderReply(prompt, completion, chat, where, "completion")};
}

}  // namespace

std::vector<UnpairedRecord> ReadUnpairedRecords(const std::filesystem::path& path,
                                                const models::ChatTemplate& chat) {
  std::vector<UnpairedRecord> out;
  ForEachRecord(path, [&](const nlohmann::json& o, const std::string& where) {
    RLAB_CHECK(o.is_object(), "{}: a record must be a JSON object", where);
    auto [prompt, completion] = PromptAndCompletion(o, chat, where);
    RLAB_CHECK(!completion.empty(), "{}: field 'completion' is an empty string", where);
    RLAB_CHECK(o.contains("label") && o["label"].is_boolean(),
               "{}: field 'label' must be true (desirable) or false (undesirable)", where);
    out.push_back({std::move(prompt), std::move(completion), o["label"].get<bool>(), where});
  });
  return out;
}

bool IsUnpairedFeedbackFile(const std::filesystem::path& path) {
  const auto unpaired = [](const nlohmann::json& o) {
    return o.is_object() && o.contains("label") && o.contains("completion");
  };
  if (path.extension() == ".json") {  // an array: it has to be parsed whole anyway
    bool first = true, result = false;
    ForEachRecord(path, [&](const nlohmann::json& o, const std::string&) {
      if (first) result = unpaired(o);
      first = false;
    });
    return result;
  }
  // JSON Lines: the first record decides; the reader that follows reports any bad line.
  try {
    JsonlReader reader(path);
    nlohmann::json first;
    return reader.Next(first) && unpaired(first);
  } catch (const Error&) {
    return false;
  }
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
