#include "rlab/text/sft_dataset.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/text/record_file.h"

namespace rlab::data {

namespace fs = std::filesystem;

namespace {

// `full` must extend `prefix`: templates render a conversation's start the same whatever
// follows it. The part after the prefix is returned.
std::string Extension(const std::string& prefix, const std::string& full,
                      const std::string& where) {
  RLAB_CHECK(full.starts_with(prefix),
             "{}: the chat template renders this conversation's start differently when more "
             "turns follow, so the assistant's tokens cannot be found; use a different "
             "chat_template",
             where);
  return full.substr(prefix.size());
}

// Conversational records: the loss covers each assistant message as the template renders
// it (its closing tokens included), nothing else.
SftRecord FromMessages(const std::vector<models::ChatMessage>& messages,
                       const models::ChatTemplate& chat, const std::string& where) {
  SftRecord record;
  record.where = where;
  std::string rendered;  // what the pieces hold so far
  bool any_assistant = false;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::span<const models::ChatMessage> upto(messages.data(), i + 1);
    if (messages[i].role == "assistant") {
      any_assistant = true;
      const std::string opened = chat.Render(upto.first(i), /*add_generation_prompt=*/true);
      const std::string closed = chat.Render(upto, false);
      record.pieces.push_back({Extension(rendered, opened, where), false});
      record.pieces.push_back({Extension(opened, closed, where), true});
      rendered = closed;
    } else if (i + 1 == messages.size()) {
      const std::string closed = chat.Render(upto, false);
      record.pieces.push_back({Extension(rendered, closed, where), false});
      rendered = closed;
    }
  }
  RLAB_CHECK(any_assistant, "{}: the conversation has no assistant message to train on", where);
  return record;
}

SftRecord ParseSftRecord(const nlohmann::json& object, const models::ChatTemplate& chat,
                         const std::string& where) {
  RLAB_CHECK(object.is_object(), "{}: expected a JSON object, found {}", where, object.dump());
  if (object.contains("messages")) {
    return FromMessages(ParseChatMessages(object["messages"], where, "messages"), chat, where);
  }
  RLAB_CHECK(object.contains("prompt") && object.contains("completion"),
             "{}: a record needs \"prompt\" and \"completion\", or \"messages\" (TRL's SFT "
             "formats); found keys {}",
             where, [&] {
               std::string keys;
               for (const auto& [k, v] : object.items()) keys += (keys.empty() ? "" : ", ") + k;
               return keys.empty() ? std::string("none") : keys;
             }());
  const nlohmann::json& prompt = object["prompt"];
  const nlohmann::json& completion = object["completion"];
  if (prompt.is_string()) {
    RLAB_CHECK(completion.is_string(), "{}: field 'completion' must be a string when 'prompt' is",
               where);
    SftRecord record;
    record.where = where;
    record.pieces = {{prompt.get<std::string>(), false}, {completion.get<std::string>(), true}};
    record.append_eos = true;
    RLAB_CHECK(!record.pieces[1].text.empty(), "{}: field 'completion' is empty", where);
    return record;
  }
  std::vector<models::ChatMessage> messages = ParseChatMessages(prompt, where, "prompt");
  const std::vector<models::ChatMessage> reply = ParseChatMessages(completion, where, "completion");
  for (std::size_t i = 0; i < reply.size(); ++i) {
    RLAB_CHECK(reply[i].role == "assistant",
               "{}: field 'completion[{}]' has role '{}'; completions hold assistant messages",
               where, i, reply[i].role);
  }
  messages.insert(messages.end(), reply.begin(), reply.end());
  return FromMessages(messages, chat, where);
}

}  // namespace

int64_t SftExample::TrainedTokens() const {
  int64_t n = 0;
  for (uint8_t t : trained) n += t;
  return n;
}

std::vector<SftRecord> ReadSftRecords(const fs::path& path, const models::ChatTemplate& chat) {
  std::vector<SftRecord> records;
  ForEachRecord(path, [&](const nlohmann::json& record, const std::string& where) {
    records.push_back(ParseSftRecord(record, chat, where));
  });
  return records;
}

std::vector<SftRecord> SampleTaskRecords(const TextTask& task, int64_t count, TaskSplit split,
                                         Rng& rng) {
  std::vector<SftRecord> records;
  records.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    TaskExample example = task.SampleDemonstration(rng, split);
    SftRecord record;
    record.pieces = {{std::move(example.prompt), false}, {std::move(example.completion), true}};
    record.append_eos = true;
    record.where = fmt::format("{} example {}", task.Describe(), i);
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<SftExample> TokenizeSftRecords(const std::vector<SftRecord>& records,
                                           const models::Tokenizer& tokenizer, int64_t max_length,
                                           TokenizeStats* stats) {
  RLAB_CHECK(max_length >= 2, "SFT: max_length must be at least 2, got {}", max_length);
  TokenizeStats local;
  std::vector<SftExample> out;
  out.reserve(records.size());
  for (const SftRecord& record : records) {
    SftExample e;
    const auto add = [&](const std::vector<models::TokenId>& ids, bool trained) {
      for (models::TokenId id : ids) {
        e.ids.push_back(id);
        e.trained.push_back(trained ? 1 : 0);
      }
    };
    if (tokenizer.bos_id()) add({*tokenizer.bos_id()}, false);
    for (const SftPiece& piece : record.pieces) add(tokenizer.Encode(piece.text), piece.trained);
    if (record.append_eos) {
      RLAB_CHECK(tokenizer.eos_id().has_value(),
                 "{}: prompt-completion records end with EOS, but {} has none", record.where,
                 tokenizer.Describe());
      add({*tokenizer.eos_id()}, true);
    }
    if (static_cast<int64_t>(e.ids.size()) > max_length) {
      e.ids.resize(max_length);
      e.trained.resize(max_length);
      ++local.truncated;
    }
    // The first token is never predicted, so it cannot carry the loss.
    if (!e.trained.empty()) e.trained[0] = 0;
    if (e.TrainedTokens() == 0) {
      ++local.dropped;
      continue;
    }
    out.push_back(std::move(e));
  }
  if (stats != nullptr) *stats = local;
  return out;
}

}  // namespace rlab::data
