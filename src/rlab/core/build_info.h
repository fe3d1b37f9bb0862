// What this binary was built from, fixed at build time (cmake/RlabBuildInfo.cmake).
#pragma once

#include <string_view>

namespace rlab {

// The project version of CMakeLists.txt, e.g. "0.1.0".
std::string_view BuildVersion();
// `git describe --always --dirty` of the source tree at build time ("1378ece-dirty"), or
// "unknown" when it was not built from a git checkout.
std::string_view BuildGitCommit();

}  // namespace rlab
