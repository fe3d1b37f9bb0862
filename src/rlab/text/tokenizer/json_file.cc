#include "rlab/text/tokenizer/json_file.h"

namespace rlab::models::detail {

std::string JsonTypeName(const nlohmann::json& value) { return value.type_name(); }

}  // namespace rlab::models::detail
