#include "rlab/text/prompt_dataset.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/text/record_file.h"

namespace rlab::data {

namespace {

PromptRecord ParsePromptRecord(const nlohmann::json& o, const models::ChatTemplate& chat,
                               const std::string& where) {
  RLAB_CHECK(o.is_object(), "{}: expected a JSON object, found {}", where, o.dump());
  RLAB_CHECK(o.contains("prompt"),
             "{}: missing field 'prompt' (a prompt-only record is {{\"prompt\": \"text\", ...}} "
             "or {{\"prompt\": [{{\"role\": \"user\", \"content\": \"...\"}}], ...}})",
             where);
  const nlohmann::json& prompt = o["prompt"];
  PromptRecord r;
  if (prompt.is_array()) {
    r.prompt = chat.Render(ParseChatMessages(prompt, where, "prompt"),
                           /*add_generation_prompt=*/true);
  } else {
    RLAB_CHECK(prompt.is_string(),
               "{}: field 'prompt' must be a string or a list of {{\"role\", \"content\"}} "
               "objects, found {}",
               where, prompt.dump());
    r.prompt = prompt.get<std::string>();
  }
  RLAB_CHECK(!r.prompt.empty(), "{}: field 'prompt' is empty; a prompt needs text", where);
  r.columns.where = where;
  for (const auto& [key, value] : o.items()) {
    if (key == "prompt") continue;
    r.columns.values[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return r;
}

}  // namespace

const std::string& PromptColumns::Get(std::string_view column, std::string_view reader) const {
  if (const std::string* text = Find(column)) return *text;
  std::vector<std::string> names;
  for (const auto& [name, value] : values) names.push_back(name);
  RLAB_FAIL("{}: {} reads the column '{}', which this record lacks (its columns: {}); add it to "
            "every record or name another column",
            where, reader, column,
            names.empty() ? "none besides prompt" : fmt::format("{}", fmt::join(names, ", ")));
}

const std::string* PromptColumns::Find(std::string_view column) const {
  const auto it = values.find(column);
  return it == values.end() ? nullptr : &it->second;
}

std::vector<PromptRecord> ReadPromptRecords(const std::filesystem::path& path,
                                            const models::ChatTemplate& chat) {
  std::vector<PromptRecord> records;
  ForEachRecord(path, [&](const nlohmann::json& o, const std::string& where) {
    records.push_back(ParsePromptRecord(o, chat, where));
  });
  return records;
}

}  // namespace rlab::data
