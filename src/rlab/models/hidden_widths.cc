#include "rlab/models/hidden_widths.h"

#include <fmt/format.h>

#include "rlab/core/check.h"

namespace rlab::models {

void CheckHiddenWidths(const std::vector<int64_t>& hidden, std::string_view key) {
  for (int64_t width : hidden) {
    RLAB_CHECK(width >= 1, "{} must list widths >= 1, got [{}]", key, fmt::join(hidden, ", "));
  }
}

}  // namespace rlab::models
