// Registries: one per kind of thing (environments, teachers, losses, pipelines, ...), all of
// one shape: Register, Create(spec), List. An unknown name or key is an error that lists what
// is valid. Builtins are registered explicitly by one RegisterBuiltins() per area.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/spec.h"
#include "rlab/core/value_parse.h"

namespace rlab {

// One documented key of a registered implementation. A key without default is required.
struct KeyDoc {
  std::string name;
  std::optional<std::string> default_value;
  std::string help;
};

// The arguments of one spec, checked against the keys its entry declares.
class SpecArgs {
 public:
  SpecArgs(const Spec& spec, const std::vector<KeyDoc>& keys, std::string_view kind);

  // Value of `key` as written in the spec, or its registered default.
  template <class T>
  T Get(const std::string& key) const {
    return ValueCodec<T>::Parse(Raw(key), fmt::format("{} '{}': key '{}'", kind_, name_, key));
  }
  bool Given(const std::string& key) const;
  const std::string& Raw(const std::string& key) const;
  const std::string& name() const { return name_; }

 private:
  std::string kind_;
  std::string name_;
  std::map<std::string, std::string> values_;  // explicit values merged over defaults
  std::map<std::string, bool> given_;
};

// Renders "a, b, c" for error messages.
std::string JoinNames(const std::vector<std::string>& names);

template <class Base, class... Context>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Base>(const SpecArgs&, Context...)>;
  struct Entry {
    std::string name;
    std::string help;
    std::vector<KeyDoc> keys;
    Factory factory;
  };

  // `kind` names the registry in messages, for example "environment" or "reward loss".
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  void Register(Entry entry) {
    RLAB_CHECK(!entry.name.empty() && entry.factory,
               "{} registry: entry needs a name and a factory", kind_);
    RLAB_CHECK(!entries_.count(entry.name), "{} '{}' is registered twice", kind_, entry.name);
    entries_.emplace(entry.name, std::move(entry));
  }

  bool Contains(std::string_view name) const { return entries_.count(std::string(name)) > 0; }

  const Entry& Get(std::string_view name) const {
    auto it = entries_.find(std::string(name));
    RLAB_CHECK(it != entries_.end(), "unknown {} '{}'; valid names: {}", kind_, name,
               JoinNames(List()));
    return it->second;
  }

  std::unique_ptr<Base> Create(std::string_view spec_text, Context... context) const {
    const Spec spec = Spec::Parse(spec_text);
    const Entry& entry = Get(spec.name);
    return entry.factory(SpecArgs(spec, entry.keys, kind_), context...);
  }

  std::vector<std::string> List() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : entries_) names.push_back(name);
    return names;
  }

  // Multi-line help: every entry with its keys and defaults.
  std::string Help() const {
    std::string out;
    for (const auto& [name, e] : entries_) {
      out += fmt::format("  {:<20} {}\n", name, e.help);
      for (const KeyDoc& k : e.keys) {
        out += fmt::format("      {}={:<12} {}\n", k.name,
                           k.default_value ? *k.default_value : "(required)", k.help);
      }
    }
    return out;
  }

  const std::string& kind() const { return kind_; }

  // For RegisterOnce: true on the first call only.
  bool ClaimBuiltins() { return !std::exchange(builtins_claimed_, true); }

 private:
  std::string kind_;
  std::map<std::string, Entry> entries_;
  bool builtins_claimed_ = false;
};

// The one guard of every builtins function: true the first time it is called for `registry`,
// false ever after, so that the function registers its entries once however often it runs:
//   void RegisterTeachers() {
//     TeacherRegistry& r = Teachers();
//     if (!RegisterOnce(r)) return;
//     r.Register(...);
//   }
// Like Register, it is meant for one thread (builtins are registered before others start).
template <class R>
bool RegisterOnce(R& registry) {
  return registry.ClaimBuiltins();
}

}  // namespace rlab
