#include "rlab/data/text/record_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/core/io.h"

namespace rlab::data {

void ForEachRecord(const std::filesystem::path& path,
                   const std::function<void(const nlohmann::json&, const std::string&)>& fn) {
  int64_t count = 0;
  if (path.extension() == ".json") {
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(ReadFile(path));
    } catch (const nlohmann::json::exception& e) {
      RLAB_FAIL("{}: not valid JSON ({}); JSON Lines files need the .jsonl extension",
                path.string(), e.what());
    }
    RLAB_CHECK(doc.is_array(), "{}: expected a JSON array of records", path.string());
    for (std::size_t i = 0; i < doc.size(); ++i, ++count) {
      fn(doc[i], fmt::format("{}: record {}", path.string(), i));
    }
  } else {
    JsonlReader reader(path);
    nlohmann::json object;
    while (reader.Next(object)) {
      fn(object, reader.Where());
      ++count;
    }
  }
  RLAB_CHECK(count > 0, "{}: holds no records", path.string());
}

std::vector<models::ChatMessage> ParseChatMessages(const nlohmann::json& value,
                                                   const std::string& where,
                                                   std::string_view field) {
  RLAB_CHECK(value.is_array() && !value.empty(),
             "{}: field '{}' must be a non-empty list of {{\"role\", \"content\"}} objects",
             where, field);
  std::vector<models::ChatMessage> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& m = value[i];
    RLAB_CHECK(m.is_object() && m.contains("role") && m["role"].is_string() &&
                   m.contains("content") && m["content"].is_string(),
               "{}: field '{}[{}]' must be an object with string \"role\" and \"content\"",
               where, field, i);
    out.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
  }
  return out;
}

}  // namespace rlab::data
