// Internal to the tokenizer loaders: a JSON file read whole, with errors that name it.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace rlab::models::detail {

nlohmann::json ReadJsonFile(const std::filesystem::path& path);
// "string", "number", ... for messages.
std::string JsonTypeName(const nlohmann::json& value);

}  // namespace rlab::models::detail
