#include "rlab/text/preference_dataset.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/text/layout_hint.h"
#include "rlab/text/record_file.h"

namespace rlab::data {

namespace fs = std::filesystem;

namespace {

using Messages = std::vector<models::ChatMessage>;

bool IsConversation(const nlohmann::json& v) { return v.is_array(); }

// Every string here is well-formed UTF-8: the JSON parser refuses anything else, and
// ForEachRecord names the line and field of the offending byte (record_file.cc).
std::string Text(const nlohmann::json& value, const std::string& where, std::string_view field) {
  RLAB_CHECK(value.is_string(), "{}: field '{}' must be a string, found {}", where, field,
             value.dump());
  return value.get<std::string>();
}

// An empty response teaches nothing and breaks length-normalised losses; say so early.
std::string Response(const nlohmann::json& value, const std::string& where,
                     std::string_view field) {
  std::string text = Text(value, where, field);
  RLAB_CHECK(!text.empty(),
             "{}: field '{}' is an empty string; a response needs text (fix or "
             "drop the record)",
             where, field);
  return text;
}

std::optional<double> Number(const nlohmann::json& object, const char* field,
                             const std::string& where) {
  if (!object.contains(field) || object[field].is_null()) return std::nullopt;
  RLAB_CHECK(object[field].is_number() && std::isfinite(object[field].get<double>()),
             "{}: field '{}' must be a finite number, found {}", where, field,
             object[field].dump());
  return object[field].get<double>();
}

// A list of plain texts (several responses), as opposed to a conversation of messages.
bool IsTextList(const nlohmann::json& v) { return v.is_array() && !v.empty() && v[0].is_string(); }

std::string Subset(const nlohmann::json& o, const std::string& where) {
  if (!o.contains("subset") || o["subset"].is_null()) return "";
  return Text(o["subset"], where, "subset");
}

PreferenceRecord ParsePreferenceRecord(const nlohmann::json& o, const models::ChatTemplate& chat,
                                       const std::string& where) {
  RLAB_CHECK(o.is_object(), "{}: expected a JSON object, found {}", where, o.dump());
  PreferenceRecord r;
  r.where = where;
  if (o.contains("ranking")) {
    RLAB_CHECK(o.contains("prompt"), "{}: a \"ranking\" record needs a \"prompt\"", where);
    const nlohmann::json& ranking = o["ranking"];
    RLAB_CHECK(ranking.is_array() && ranking.size() >= 2,
               "{}: field 'ranking' must list at least two responses, best first", where);
    const bool conversational = IsConversation(o["prompt"]);
    const Messages prompt =
        conversational ? ParseChatMessages(o["prompt"], where, "prompt") : Messages{};
    r.prompt = conversational ? chat.Render(prompt, true) : Text(o["prompt"], where, "prompt");
    for (std::size_t i = 0; i < ranking.size(); ++i) {
      const std::string field = fmt::format("ranking[{}]", i);
      r.responses.push_back(
          conversational
              ? RenderReply(prompt, ParseChatMessages(ranking[i], where, field), chat, where, field)
              : Response(ranking[i], where, field));
    }
    r.ranked = true;
    r.subset = Subset(o, where);
    return r;
  }
  for (const char* field : {"chosen", "rejected"}) {
    RLAB_CHECK(o.contains(field),
               "{}: missing field '{}'; a preference record needs \"chosen\" and \"rejected\" "
               "(with or without \"prompt\"), or \"prompt\" and \"ranking\"{}",
               where, field, ConversionHint(o, where));
  }
  const nlohmann::json &chosen = o["chosen"], &rejected = o["rejected"];
  if (o.contains("prompt")) {
    if (IsConversation(o["prompt"])) {
      const Messages prompt = ParseChatMessages(o["prompt"], where, "prompt");
      r.prompt = chat.Render(prompt, true);
      r.responses = {
          RenderReply(prompt, ParseChatMessages(chosen, where, "chosen"), chat, where, "chosen"),
          RenderReply(prompt, ParseChatMessages(rejected, where, "rejected"), chat, where,
                      "rejected")};
    } else if (IsTextList(rejected)) {
      // Best of N: one chosen text (or a list of one) against several rejected ones.
      r.prompt = Text(o["prompt"], where, "prompt");
      const bool listed = chosen.is_array();
      RLAB_CHECK(!listed || (chosen.size() == 1 && chosen[0].is_string()),
                 "{}: field 'chosen' must be one text (or a list of one) when 'rejected' lists "
                 "several",
                 where);
      r.responses = {Response(listed ? chosen[0] : chosen, where, listed ? "chosen[0]" : "chosen")};
      RLAB_CHECK(!rejected.empty(), "{}: field 'rejected' lists no response", where);
      for (std::size_t i = 0; i < rejected.size(); ++i) {
        r.responses.push_back(Response(rejected[i], where, fmt::format("rejected[{}]", i)));
      }
    } else {
      r.prompt = Text(o["prompt"], where, "prompt");
      r.responses = {Response(chosen, where, "chosen"), Response(rejected, where, "rejected")};
    }
  } else if (IsConversation(chosen)) {
    // Implicit prompt: the messages both conversations share.
    const Messages a = ParseChatMessages(chosen, where, "chosen");
    const Messages b = ParseChatMessages(rejected, where, "rejected");
    std::size_t shared = 0;
    while (shared < a.size() && shared < b.size() && a[shared].role == b[shared].role &&
           a[shared].content == b[shared].content) {
      ++shared;
    }
    RLAB_CHECK(shared > 0 && shared < a.size() && shared < b.size(),
               "{}: 'chosen' and 'rejected' must share their first messages (the prompt) and "
               "differ after them",
               where);
    const Messages prompt(a.begin(), a.begin() + shared);
    r.prompt = chat.Render(prompt, true);
    r.responses = {
        RenderReply(prompt, Messages(a.begin() + shared, a.end()), chat, where, "chosen", shared),
        RenderReply(prompt, Messages(b.begin() + shared, b.end()), chat, where, "rejected",
                    shared)};
  } else {
    // Implicit prompt in plain text: the longest common prefix.
    const std::string a = Text(chosen, where, "chosen"), b = Text(rejected, where, "rejected");
    std::size_t shared = 0;
    while (shared < a.size() && shared < b.size() && a[shared] == b[shared]) ++shared;
    for (const auto& [text, field] : {std::pair{&a, "chosen"}, std::pair{&b, "rejected"}}) {
      RLAB_CHECK(shared < text->size(),
                 "{}: field '{}' has no text after the prompt it shares with the other response "
                 "(without \"prompt\", the prompt is their longest common prefix); give "
                 "\"prompt\" explicitly",
                 where, field);
    }
    r.prompt = a.substr(0, shared);
    r.responses = {a.substr(shared), b.substr(shared)};
  }
  r.margin = Number(o, "margin", where);
  r.score_chosen = Number(o, "score_chosen", where);
  r.score_rejected = Number(o, "score_rejected", where);
  RLAB_CHECK(r.score_chosen.has_value() == r.score_rejected.has_value(),
             "{}: give both 'score_chosen' and 'score_rejected', or neither", where);
  if (r.score_chosen && !r.margin) r.margin = *r.score_chosen - *r.score_rejected;
  if (o.contains("tie")) {
    RLAB_CHECK(o["tie"].is_boolean(), "{}: field 'tie' must be true or false", where);
    r.tie = o["tie"].get<bool>();
  }
  r.subset = Subset(o, where);
  RLAB_CHECK(r.responses[0] != r.responses[1] || r.tie,
             "{}: 'chosen' and 'rejected' are the same response; mark it \"tie\": true or drop it",
             where);
  return r;
}

}  // namespace

std::string RenderReply(const Messages& prompt, const Messages& reply,
                        const models::ChatTemplate& chat, const std::string& where,
                        std::string_view field, std::size_t first) {
  for (std::size_t i = 0; i < reply.size(); ++i) {
    RLAB_CHECK(reply[i].role == "assistant",
               "{}: field '{}[{}]' has role '{}'; responses hold assistant messages", where, field,
               first + i, reply[i].role);
    RLAB_CHECK(!reply[i].content.empty(),
               "{}: field '{}[{}].content' is an empty string; a response needs text (fix or "
               "drop the record)",
               where, field, first + i);
  }
  const std::string opened = chat.Render(prompt, /*add_generation_prompt=*/true);
  Messages all = prompt;
  all.insert(all.end(), reply.begin(), reply.end());
  const std::string closed = chat.Render(all, false);
  RLAB_CHECK(closed.starts_with(opened),
             "{}: the chat template renders the prompt differently once '{}' follows it; use a "
             "different chat template",
             where, field);
  return closed.substr(opened.size());
}

std::vector<PreferenceRecord> ReadPreferenceRecords(const fs::path& path,
                                                    const models::ChatTemplate& chat) {
  std::vector<PreferenceRecord> records;
  ForEachRecord(path, [&](const nlohmann::json& record, const std::string& where) {
    records.push_back(ParsePreferenceRecord(record, chat, where));
  });
  return records;
}

}  // namespace rlab::data
