// Checks of plain (non-config) flag values that CLI11 would otherwise accept: a negative
// number given to an unsigned option wraps around to a huge one, and a negative count or
// temperature means nothing. They fail while the command line is parsed, naming the flag.
#pragma once

#include <CLI/CLI.hpp>

namespace rlab::cli {

// The value is a finite number >= `least` (for example a seed, a count or a temperature).
CLI::Validator AtLeast(double least);
inline CLI::Validator NonNegative() { return AtLeast(0.0); }

}  // namespace rlab::cli
