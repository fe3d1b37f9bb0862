// `rlab distance` end to end: exact on finite MDPs (with regret), sampled on continuous
// environments, one JSON line on stdout, one readable line on stderr, one error line for a
// bad spec.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

namespace rlab {
namespace {

using testing::RunRlab;

nlohmann::json RunDistance(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"distance"};
  args.insert(args.end(), extra.begin(), extra.end());
  const testing::CommandResult r = RunRlab(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(" = "), std::string::npos) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line of JSON: " << r.out;
  const double d = out.at("distance").get<double>();
  EXPECT_GE(d, 0.0);
  EXPECT_LE(d, 1.0);
  return out;
}

TEST(DistanceCli, ExactOnFiniteMdps) {
  const auto shaped = RunDistance({"--env", "GridWorld", "--reward-a", "true", "--reward-b",
                                   "shaped(scale=2, potential=random, seed=3)"});
  EXPECT_EQ(shaped["method"], "exact");
  EXPECT_LT(shaped["distance"].get<double>(), 1e-9);
  EXPECT_NEAR(shaped["normalised_regret"].get<double>(), 0.0, 1e-9);
  const auto negated = RunDistance({"--env", "RandomMdp(num_states=6, seed=2)", "--reward-a",
                                    "true", "--reward-b", "negated", "--metric", "starc"});
  EXPECT_NEAR(negated["distance"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(negated["normalised_regret"].get<double>(), 1.0, 1e-9);
}

TEST(DistanceCli, SampledOnContinuousEnvironments) {
  const auto out = RunDistance({"--env", "Pendulum-v1", "--reward-a", "true", "--reward-b",
                                "random(seed=1)", "--samples", "256", "--seed", "3"});
  EXPECT_EQ(out["method"], "sampled");
  EXPECT_EQ(out["samples"], 256);
  EXPECT_GT(out["distance"].get<double>(), 0.05);
  const auto scaled = RunDistance({"--env", "Pendulum-v1", "--reward-a", "scaled(factor=4)",
                                   "--reward-b", "shaped(scale=2)", "--samples", "256"});
  EXPECT_LT(scaled["distance"].get<double>(), 1e-6);
}

TEST(DistanceCli, UnknownRewardSpecListsTheValidOnes) {
  const auto r = RunRlab(
      {"distance", "--env", "CartPole-v1", "--reward-a", "true", "--reward-b", "bogus(seed=1)"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("rlab: error: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  EXPECT_NE(r.err.find("negated, random, scaled, shaped, true"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rlab
