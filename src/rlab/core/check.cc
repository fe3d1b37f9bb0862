#include "rlab/core/check.h"

#include <string_view>

namespace rlab::detail {

void ThrowError(const char* file, int line, const std::string& message) {
  // Show the path from src/ on, not the build machine's absolute path.
  std::string_view path(file);
  if (auto pos = path.rfind("src/rlab/"); pos != std::string_view::npos)
    path.remove_prefix(pos + 4);
  throw Error(fmt::format("{}:{}: {}", path, line, message));
}

}  // namespace rlab::detail
