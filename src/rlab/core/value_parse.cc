#include "rlab/core/value_parse.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "rlab/core/check.h"

namespace rlab {

namespace {
std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

bool ParseBool(std::string_view text, std::string_view what) {
  const std::string t = Lower(text);
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  RLAB_FAIL("{}: expected a bool (true/false), got '{}'", what, text);
}

int64_t ParseInt(std::string_view text, std::string_view what) {
  const std::string t(text);
  if (!t.empty()) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(t.c_str(), &end, 10);
    if (errno == 0 && end == t.c_str() + t.size()) return v;
    // Accept integral values written in float notation, such as 1e6 or 500000.0.
    errno = 0;
    const double d = std::strtod(t.c_str(), &end);
    if (errno == 0 && end == t.c_str() + t.size() && std::isfinite(d) && d == std::floor(d) &&
        std::fabs(d) < 9.0e15) {
      return static_cast<int64_t>(d);
    }
  }
  RLAB_FAIL("{}: expected an integer, got '{}'", what, text);
}

uint64_t ParseUnsigned(std::string_view text, std::string_view what) {
  const std::string t(text);
  if (!t.empty() && t[0] != '-') {
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(t.c_str(), &end, 10);
    if (errno == 0 && end == t.c_str() + t.size()) return v;
  }
  RLAB_FAIL("{}: expected a non-negative integer, got '{}'", what, text);
}

double ParseDouble(std::string_view text, std::string_view what) {
  const std::string t(text);
  if (!t.empty()) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (errno == 0 && end == t.c_str() + t.size() && !std::isnan(v)) return v;
    const std::string l = Lower(t);
    if (l == ".inf" || l == "+.inf") return std::numeric_limits<double>::infinity();
    if (l == "-.inf") return -std::numeric_limits<double>::infinity();
  }
  RLAB_FAIL("{}: expected a number, got '{}'", what, text);
}

int ValueCodec<int>::Parse(std::string_view t, std::string_view w) {
  const int64_t v = ParseInt(t, w);
  RLAB_CHECK(v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max(),
             "{}: {} does not fit in a 32-bit integer", w, v);
  return static_cast<int>(v);
}

std::string ValueCodec<double>::Format(double v) {
  // Shortest text that reads back to the same double.
  return fmt::format("{}", v);
}

}  // namespace rlab
