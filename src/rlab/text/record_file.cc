#include "rlab/text/record_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/core/json_text.h"
#include "rlab/text/invalid_utf8.h"

namespace rlab::data {

namespace {

// Line `number` (1-based) of a file, as raw bytes.
std::string RawLine(const std::filesystem::path& path, int64_t number) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  for (int64_t i = 0; i < number && std::getline(in, line); ++i) {
  }
  return line;
}

// The parser refuses ill-formed UTF-8 before any field is read (see invalid_utf8.h); this
// turns its column into the record and field that hold the byte. Returns when the text is
// well-formed, so the caller reports the parser's own error.
void ThrowIfInvalidUtf8(std::string_view text, const std::string& where, bool whole_file) {
  const std::optional<InvalidUtf8Location> bad = LocateInvalidUtf8(text);
  if (!bad) return;
  const std::string record =
      bad->record ? fmt::format("{}: record {}", where, *bad->record) : where;
  RLAB_FAIL("{}: {}", record, DescribeInvalidUtf8(*bad, whole_file && !bad->field));
}

}  // namespace

void ForEachRecord(const std::filesystem::path& path,
                   const std::function<void(const nlohmann::json&, const std::string&)>& fn) {
  int64_t count = 0;
  if (path.extension() == ".json") {
    nlohmann::json doc;
    const std::string text = ReadFile(path);
    try {
      doc = ParseJsonDocument(text, path.string());
    } catch (const Error& e) {
      ThrowIfInvalidUtf8(text, path.string(), /*whole_file=*/true);
      RLAB_FAIL("{}; JSON Lines files need the .jsonl extension", e.what());
    }
    RLAB_CHECK(doc.is_array(), "{}: expected a JSON array of records", path.string());
    for (std::size_t i = 0; i < doc.size(); ++i, ++count) {
      fn(doc[i], fmt::format("{}: record {}", path.string(), i));
    }
  } else {
    JsonlReader reader(path);
    nlohmann::json object;
    while (true) {
      try {
        if (!reader.Next(object)) break;
      } catch (const Error&) {
        ThrowIfInvalidUtf8(RawLine(path, reader.line()), reader.Where(), /*whole_file=*/false);
        throw;
      }
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
             "{}: field '{}' must be a non-empty list of {{\"role\", \"content\"}} objects", where,
             field);
  std::vector<models::ChatMessage> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& m = value[i];
    RLAB_CHECK(m.is_object() && m.contains("role") && m["role"].is_string() &&
                   m.contains("content") && m["content"].is_string(),
               "{}: field '{}[{}]' must be an object with string \"role\" and \"content\"", where,
               field, i);
    out.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
  }
  return out;
}

}  // namespace rlab::data
