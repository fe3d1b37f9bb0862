// What the registry conformance suites (tests/<area>/*_conformance_test.cc) share: the case
// name of a registry entry and the checks that an unknown name or key fails with a message
// that lists what is valid. Each suite is parameterised over its registry's List(), so an entry
// is tested the moment it is registered.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <string>

#include "rlab/core/registry.h"
#include "test_support.h"

namespace rlab::testing {

// "CartPole-v1" -> "CartPole_v1": a registry name as a GoogleTest case name.
inline std::string RegistryEntryTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// `create(spec)` builds an entry of `registry` from a spec.
using CreateFromSpec = std::function<void(const std::string& spec)>;

// A spec naming entry `name` with a key it does not declare fails, naming the key and listing
// every key the entry declares.
template <class RegistryT>
void ExpectUnknownKeyListsTheValidKeys(const RegistryT& registry, const std::string& name,
                                       const CreateFromSpec& create) {
  const std::string msg = ErrorOf([&] { create(name + "(no_such_key=1)"); });
  EXPECT_NE(msg.find("no_such_key"), std::string::npos) << "message: '" << msg << "'";
  EXPECT_NE(msg.find("valid keys"), std::string::npos) << "message: '" << msg << "'";
  for (const KeyDoc& key : registry.Get(name).keys) {
    EXPECT_NE(msg.find(key.name), std::string::npos) << key.name << " missing in: " << msg;
  }
}

// A name the registry does not hold fails, naming it and listing every registered name.
template <class RegistryT>
void ExpectUnknownNameListsEveryEntry(const RegistryT& registry, const CreateFromSpec& create) {
  const std::string msg = ErrorOf([&] { create("no_such_entry"); });
  EXPECT_NE(msg.find("no_such_entry"), std::string::npos) << "message: '" << msg << "'";
  for (const std::string& name : registry.List()) {
    EXPECT_NE(msg.find(name), std::string::npos) << name << " missing in: " << msg;
  }
}

}  // namespace rlab::testing
