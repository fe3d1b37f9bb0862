// Specs: the `name(key=value, ...)` strings that pick an implementation from a registry,
// for example `ensemble(members=5, aggregate=wco)`. Values may themselves be specs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rlab {

struct Spec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> args;  // in the order written

  // Parses "name" or "name(k=v, k2=v2)"; values may be quoted ("a, b") or nested specs.
  static Spec Parse(std::string_view text);
  std::string ToString() const;
};

}  // namespace rlab
