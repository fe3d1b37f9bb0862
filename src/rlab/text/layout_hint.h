// When a preference record lacks TRL's fields, a hint at the converter that reads its layout:
// a ShareGPT conversation, PandaLM's or LLMBar's annotated pairs, or two responses under other
// column names (response_a/response_b, response_j/response_k, good/bad, ...). The readers
// append it to their "missing field 'chosen'" error.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace rlab::data {

// "; it looks like ...: convert it with `rlab data convert FILE OUT.jsonl --from ...`", or ""
// when the record matches no known layout. `where` is the record's "file:line" or
// "file: record i"; its file goes into the command.
std::string ConversionHint(const nlohmann::json& record, const std::string& where);

}  // namespace rlab::data
