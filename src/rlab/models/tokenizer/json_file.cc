#include "rlab/models/tokenizer/json_file.h"

#include "rlab/core/check.h"
#include "rlab/core/io.h"

namespace rlab::models::detail {

nlohmann::json ReadJsonFile(const std::filesystem::path& path) {
  const std::string text = ReadFile(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    RLAB_FAIL("{}: not valid JSON (byte {}): {}", path.string(), e.byte, e.what());
  }
}

std::string JsonTypeName(const nlohmann::json& value) { return value.type_name(); }

}  // namespace rlab::models::detail
