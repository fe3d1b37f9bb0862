#include "rlab/core/check.h"

#include <spdlog/spdlog.h>

#include <string_view>

namespace rlab::detail {

void ThrowError(const char* file, int line, const std::string& message) {
  // The message is what a user reads, so it carries no source location of rewardlab's own
  // code; `rlab -v` logs where the error was raised, for whoever debugs it. The path is shown
  // from src/ on, not the build machine's absolute path.
  std::string_view path(file);
  if (auto pos = path.rfind("src/rlab/"); pos != std::string_view::npos)
    path.remove_prefix(pos + 4);
  spdlog::debug("error raised at {}:{}: {}", path, line, message);
  throw Error(message);
}

}  // namespace rlab::detail
