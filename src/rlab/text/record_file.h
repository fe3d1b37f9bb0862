// The record files that text datasets share: JSON Lines (one object per line) or a JSON array
// of objects, each record located as "file:line" or "file: record i" for error messages; and
// chat messages inside a record.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/tokenizer/chat_template.h"

namespace rlab::data {

// Calls `fn(record, where)` for every record of a .json (array) or any other (JSON Lines)
// file; an unreadable or empty file is an error naming it.
void ForEachRecord(const std::filesystem::path& path,
                   const std::function<void(const nlohmann::json&, const std::string&)>& fn);

// A list of {"role", "content"} objects; errors name `where` and `field` ("messages[2]").
std::vector<models::ChatMessage> ParseChatMessages(const nlohmann::json& value,
                                                   const std::string& where,
                                                   std::string_view field);

}  // namespace rlab::data
