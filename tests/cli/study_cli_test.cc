// `rlab study` end to end: the list of studies, a study over two seeds with its JSON summary,
// and one error line for an unknown study.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "rlab/core/io.h"
#include "test_support.h"

namespace rlab {
namespace {

using testing::RunRlab;

TEST(StudyCli, ListsTheStudiesWithTheirKeys) {
  const testing::CommandResult r = RunRlab({"study", "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"rover", "policy_cliff", "stock_augmented_dp", "md3qn", "subpo"}) {
    EXPECT_NE(r.out.find(std::string("  ") + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(r.out.find("temperature=0.1"), std::string::npos) << r.out;
}

TEST(StudyCli, RunsOverSeedsAndWritesOneFigureListPerSeed) {
  const testing::ScratchDir dir("study_cli");
  const std::filesystem::path out = dir / "cliff.json";
  const testing::CommandResult r = RunRlab({"study", "policy_cliff(states=1, gamma=0, mdps=2)",
                                            "--seeds", "4,5", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("seed 2 of 2 done"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("2 seed(s)"), std::string::npos) << r.out;
  const nlohmann::json summary = ReadJsonFile(out);
  EXPECT_EQ(summary["seeds"], nlohmann::json({4, 5}));
  ASSERT_FALSE(summary["order"].empty());
  for (const auto& name : summary["order"]) {
    EXPECT_EQ(summary["figures"][name.get<std::string>()]["values"].size(), 2u) << name;
  }
}

TEST(StudyCli, UnknownStudyFailsWithOneLineListingTheStudies) {
  const testing::CommandResult unknown = RunRlab({"study", "rovr"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err.rfind("rlab: error: ", 0), 0u) << unknown.err;
  EXPECT_NE(unknown.err.find("rover"), std::string::npos) << unknown.err;
  EXPECT_EQ(unknown.err.find('\n'), unknown.err.size() - 1) << "one line: " << unknown.err;
}

}  // namespace
}  // namespace rlab
