#include "rlab/core/spec.h"

#include <cctype>

#include "rlab/core/check.h"

namespace rlab {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
          c == '/')) {
      return false;
    }
  }
  return true;
}

// Splits the inside of the parentheses at top-level commas (outside quotes and brackets).
std::vector<std::string_view> SplitArgs(std::string_view body, std::string_view whole) {
  std::vector<std::string_view> parts;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      RLAB_CHECK(--depth >= 0, "spec '{}': unbalanced '{}'", whole, c);
    } else if (c == ',' && depth == 0) {
      parts.push_back(body.substr(start, i - start));
      start = i + 1;
    }
  }
  RLAB_CHECK(quote == 0, "spec '{}': unterminated quote", whole);
  RLAB_CHECK(depth == 0, "spec '{}': unbalanced brackets", whole);
  parts.push_back(body.substr(start));
  return parts;
}

std::string Unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return std::string(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

}  // namespace

Spec Spec::Parse(std::string_view text) {
  const std::string_view whole = Trim(text);
  Spec spec;
  const size_t open = whole.find('(');
  if (open == std::string_view::npos) {
    spec.name = std::string(whole);
    RLAB_CHECK(IsIdentifier(spec.name), "spec '{}': expected a name or name(key=value, ...)",
               whole);
    return spec;
  }
  RLAB_CHECK(whole.back() == ')', "spec '{}': missing closing ')'", whole);
  spec.name = std::string(Trim(whole.substr(0, open)));
  RLAB_CHECK(IsIdentifier(spec.name), "spec '{}': '{}' is not a valid name", whole, spec.name);
  const std::string_view body = Trim(whole.substr(open + 1, whole.size() - open - 2));
  if (body.empty()) return spec;
  for (std::string_view part : SplitArgs(body, whole)) {
    part = Trim(part);
    const size_t eq = part.find('=');
    RLAB_CHECK(eq != std::string_view::npos, "spec '{}': argument '{}' is not key=value", whole,
               part);
    const std::string key(Trim(part.substr(0, eq)));
    RLAB_CHECK(IsIdentifier(key), "spec '{}': '{}' is not a valid key", whole, key);
    for (const auto& [k, v] : spec.args) {
      RLAB_CHECK(k != key, "spec '{}': key '{}' given twice", whole, key);
    }
    spec.args.emplace_back(key, Unquote(Trim(part.substr(eq + 1))));
  }
  return spec;
}

std::string Spec::ToString() const {
  if (args.empty()) return name;
  std::string out = name + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    const bool needs_quotes = args[i].second.find_first_of(", ") != std::string::npos &&
                              args[i].second.find('(') == std::string::npos;
    out += args[i].first + "=" + (needs_quotes ? "\"" + args[i].second + "\"" : args[i].second);
  }
  return out + ")";
}

}  // namespace rlab
