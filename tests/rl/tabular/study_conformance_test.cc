// Every registered study: it builds from its defaults, says what it checks, and rejects an
// unknown key or name listing the valid ones. Each study's own test checks its property.
#include <gtest/gtest.h>

#include "registry_conformance.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {
namespace {

std::vector<std::string> StudyNames() {
  RegisterStudies();
  return Studies().List();
}

class StudyConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(StudyConformance, BuildsFromDefaultsAndStatesItsProperty) {
  const std::unique_ptr<Study> study = MakeStudy(GetParam());
  EXPECT_FALSE(study->Property().empty());
  EXPECT_FALSE(Studies().Get(GetParam()).help.empty());
}

TEST_P(StudyConformance, UnknownKeyListsTheValidKeys) {
  testing::ExpectUnknownKeyListsTheValidKeys(Studies(), GetParam(),
                                             [](const std::string& spec) { MakeStudy(spec); });
}

INSTANTIATE_TEST_SUITE_P(Registered, StudyConformance, ::testing::ValuesIn(StudyNames()),
                         testing::RegistryEntryTestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StudyConformance);

TEST(StudyRegistry, UnknownNameListsEveryStudy) {
  RegisterStudies();
  testing::ExpectUnknownNameListsEveryEntry(Studies(),
                                            [](const std::string& spec) { MakeStudy(spec); });
}

}  // namespace
}  // namespace rlab::rl::tabular
