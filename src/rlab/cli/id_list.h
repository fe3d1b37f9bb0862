// Token ids as the command line takes them: "1 2 3" or "1,2,3".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rlab::cli {

// Errors name `what` and the word that is not an integer, or the empty item of a
// comma-separated list ("1,,2").
std::vector<int64_t> ParseIdList(std::string_view text, std::string_view what);

}  // namespace rlab::cli
