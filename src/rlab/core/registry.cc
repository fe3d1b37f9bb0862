#include "rlab/core/registry.h"

namespace rlab {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out.empty() ? "(none)" : out;
}

SpecArgs::SpecArgs(const Spec& spec, const std::vector<KeyDoc>& keys, std::string_view kind)
    : kind_(kind), name_(spec.name) {
  std::vector<std::string> valid;
  for (const KeyDoc& k : keys) {
    valid.push_back(k.name);
    if (k.default_value) values_[k.name] = *k.default_value;
  }
  for (const auto& [key, value] : spec.args) {
    bool known = false;
    for (const KeyDoc& k : keys) known = known || k.name == key;
    RLAB_CHECK(known, "{} '{}' has no key '{}'; valid keys: {}", kind_, name_, key,
               JoinNames(valid));
    values_[key] = value;
    given_[key] = true;
  }
  for (const KeyDoc& k : keys) {
    RLAB_CHECK(values_.count(k.name), "{} '{}' needs key '{}' ({})", kind_, name_, k.name, k.help);
  }
}

bool SpecArgs::Given(const std::string& key) const { return given_.count(key) > 0; }

const std::string& SpecArgs::Raw(const std::string& key) const {
  auto it = values_.find(key);
  RLAB_CHECK(it != values_.end(), "{} '{}': key '{}' is not declared by its registration", kind_,
             name_, key);
  return it->second;
}

}  // namespace rlab
