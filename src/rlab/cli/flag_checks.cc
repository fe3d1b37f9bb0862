#include "rlab/cli/flag_checks.h"

#include <fmt/format.h>

#include <cmath>

namespace rlab::cli {

CLI::Validator AtLeast(double least) {
  return CLI::Validator(
      [least](std::string& text) -> std::string {
        double value = 0.0;
        if (!CLI::detail::lexical_cast(text, value))
          return fmt::format("'{}' is not a number", text);
        if (!std::isfinite(value) || value < least)
          return fmt::format("must be a number >= {}, got {}", least, text);
        return {};
      },
      fmt::format(">= {}", least));
}

}  // namespace rlab::cli
