// The hidden layer widths of a multilayer network, as configs list them (`ppo.hidden: [64, 64]`).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace rlab::models {

// Throws rlab::Error naming `key` unless every width is at least 1 (an empty list is a linear
// model). Configs call it in Validate, so a bad width is refused before the run starts.
void CheckHiddenWidths(const std::vector<int64_t>& hidden, std::string_view key);

}  // namespace rlab::models
