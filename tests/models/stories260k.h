// Where the realdata tests of the models find stories260K (a small Llama checkpoint with its
// tokenizer, ../shared/data/stories260K), and skip without it.
#pragma once

#include <filesystem>

#include "test_support.h"

namespace rlab::models::testing {

inline std::filesystem::path Stories260KDir() { return rlab::testing::SharedData("stories260K"); }

}  // namespace rlab::models::testing
