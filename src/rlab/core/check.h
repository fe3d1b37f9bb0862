// Errors: every failure in rewardlab is an rlab::Error whose message says where it was
// raised (file:line) and what to do about it. Library code throws; only the CLI prints and
// exits.
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

// RLAB_CHECK(cond, "fmt {}", args...): throws rlab::Error("file:line: message") when cond is
// false. The message should name the offending value and say how to fix it.
#define RLAB_CHECK(cond, ...)                                                     \
  do {                                                                            \
    if (!(cond)) [[unlikely]] {                                                   \
      ::rlab::detail::ThrowError(__FILE__, __LINE__, ::fmt::format(__VA_ARGS__)); \
    }                                                                             \
  } while (0)

// RLAB_FAIL("fmt {}", args...): unconditional error.
#define RLAB_FAIL(...) ::rlab::detail::ThrowError(__FILE__, __LINE__, ::fmt::format(__VA_ARGS__))
