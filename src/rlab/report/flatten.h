// Nested settings and summaries as flat "a.b.c" keys, for tables that compare runs key by key.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rlab::report {

// Every leaf of `value` under its dotted path, in the object's order; lists are leaves.
std::vector<std::pair<std::string, nlohmann::json>> FlattenJson(const nlohmann::json& value);

// The settings of a config.yaml text as "section.key" -> the value as the file writes it
// ("64", "[64, 64]", "relu"). Comments are ignored; text that is not YAML gives no settings.
std::map<std::string, std::string> FlattenYamlSettings(const std::string& yaml);

// A leaf for a table cell: numbers as FormatNumber writes them, strings as they are, lists of
// numbers and strings as "[a, b]", other lists as "N entries", anything else as compact JSON.
std::string LeafText(const nlohmann::json& value);

}  // namespace rlab::report
