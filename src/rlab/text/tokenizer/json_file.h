// Internal to the tokenizer loaders: helpers for messages about JSON values.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace rlab::models::detail {

// "string", "number", ... for messages.
std::string JsonTypeName(const nlohmann::json& value);

}  // namespace rlab::models::detail
