// Errors: every failure in rewardlab is an rlab::Error whose message is what the user reads:
// the file, line and key of their input that is wrong, and what to do about it. Where in
// rewardlab it was raised is logged at debug level (`rlab -v`). Library code throws; only the
// CLI prints and exits.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace rlab {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {
[[noreturn]] void ThrowError(const char* file, int line, const std::string& message);
}  // namespace detail

}  // namespace rlab

// RLAB_CHECK(cond, "fmt {}", args...): throws rlab::Error("message") when cond is false.
// The message should name the offending value and say how to fix it.
#define RLAB_CHECK(cond, ...)                                                     \
  do {                                                                            \
    if (!(cond)) [[unlikely]] {                                                   \
      ::rlab::detail::ThrowError(__FILE__, __LINE__, ::fmt::format(__VA_ARGS__)); \
    }                                                                             \
  } while (0)

// RLAB_FAIL("fmt {}", args...): unconditional error.
#define RLAB_FAIL(...) ::rlab::detail::ThrowError(__FILE__, __LINE__, ::fmt::format(__VA_ARGS__))
