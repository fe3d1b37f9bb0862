// The 2x2x2 cube's group laws and its known distance distribution near solved, and the policy
// gradient study learning on a tiny setting.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "rlab/rl/tabular/rubiks_cube_2x2.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {
namespace {

Cube2x2 RandomCube(Rng& rng) { return ApplyMoves(SolvedCube(), ScrambleMoves(60, rng)); }

TEST(RubiksCube2x2, EachQuarterTurnHasOrderFour) {
  for (int m = 0; m < kCubeMoves; ++m) {
    Cube2x2 c = SolvedCube();
    for (int k = 1; k <= 4; ++k) {
      c = ApplyMove(c, m);
      EXPECT_EQ(IsSolved(c), k == 4) << MoveName(m) << " applied " << k << " times";
    }
  }
}

TEST(RubiksCube2x2, AMoveFollowedByItsInverseIsTheIdentity) {
  Rng rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    const Cube2x2 c = RandomCube(rng);
    for (int m = 0; m < kCubeMoves; ++m) {
      EXPECT_EQ(ApplyMove(ApplyMove(c, m), InverseMove(m)), c) << MoveName(m);
    }
    EXPECT_EQ(Compose(c, Inverse(c)), SolvedCube());
  }
}

TEST(RubiksCube2x2, ScrambleThenTheInverseSequenceSolves) {
  Rng rng(7);
  for (int length : {1, 5, 30, 200}) {
    const std::vector<int> moves = ScrambleMoves(length, rng);
    ASSERT_EQ(moves.size(), static_cast<size_t>(length));
    for (size_t i = 1; i < moves.size(); ++i) EXPECT_NE(moves[i], InverseMove(moves[i - 1]));
    const Cube2x2 scrambled = ApplyMoves(SolvedCube(), moves);
    EXPECT_TRUE(IsSolved(ApplyMoves(scrambled, InverseMoves(moves))));
  }
}

TEST(RubiksCube2x2, MovesNeverTouchTheFixedCornerAndKeepTheTwistSum) {
  Rng rng(11);
  const Cube2x2 c = RandomCube(rng);
  EXPECT_EQ(c.perm[kCubeFixedCorner], kCubeFixedCorner);
  EXPECT_EQ(c.twist[kCubeFixedCorner], 0);
  int sum = 0;
  for (uint8_t t : c.twist) sum += t;
  EXPECT_EQ(sum % 3, 0);
}

TEST(RubiksCube2x2, IndexIsABijectionOnScrambledStates) {
  Rng rng(5);
  EXPECT_EQ(CubeIndex(CubeFromIndex(kCubeStates - 1)), kCubeStates - 1);
  for (int trial = 0; trial < 200; ++trial) {
    const Cube2x2 c = RandomCube(rng);
    const int64_t index = CubeIndex(c);
    ASSERT_GE(index, 0);
    ASSERT_LT(index, kCubeStates);
    EXPECT_EQ(CubeFromIndex(index), c);
  }
}

TEST(RubiksCube2x2, OneHotHasOneFeaturePerMovablePlace) {
  Rng rng(9);
  std::vector<float> x(kCubeFeatures);
  EncodeCube(RandomCube(rng), x.data());
  float sum = 0;
  for (float v : x) sum += v;
  EXPECT_EQ(sum, 7.0f);
}

// Quarter-turn metric: 1, 6, 27, 120 states at distance 0..3 from solved (the pocket cube's
// distance table, e.g. Wikipedia "Pocket Cube", God's number 14 in this metric). Counted by a
// search over the cube states themselves, independent of the index and its move tables.
TEST(RubiksCube2x2, StatesPerDistanceNearSolvedMatchTheQuarterTurnTable) {
  auto key = [](const Cube2x2& c) { return std::make_pair(c.perm, c.twist); };
  std::set<std::pair<std::array<uint8_t, 8>, std::array<uint8_t, 8>>> seen = {key(SolvedCube())};
  std::vector<Cube2x2> frontier = {SolvedCube()};
  std::vector<size_t> counts = {1};
  for (int depth = 1; depth <= 3; ++depth) {
    std::vector<Cube2x2> next;
    for (const Cube2x2& c : frontier) {
      for (int m = 0; m < kCubeMoves; ++m) {
        const Cube2x2 n = ApplyMove(c, m);
        if (seen.insert(key(n)).second) next.push_back(n);
      }
    }
    counts.push_back(next.size());
    frontier.swap(next);
  }
  EXPECT_EQ(counts, (std::vector<size_t>{1, 6, 27, 120}));
}

// The smallest setting that learns: with the goal folded into the state (relative_goal),
// sixty updates solve nearly every 1-move scramble, where a random policy solves about a
// fifth within the budget; the search behind the optimum covers the whole group.
TEST(RubiksCubeStudy, PolicyGradientSolvesOneMoveScramblesFarAboveRandom) {
  const std::unique_ptr<Study> study = MakeStudy(
      "rubiks_cube(relative_goal=true,cost_iterations=10,policy_iterations=60,scramble_max=2,"
      "train_budget=4,episodes=32,eval_cubes=30,hidden=64)");
  const StudyResult result = study->Run(1);
  auto figure = [&](const std::string& name) {
    for (const auto& [n, v] : result.figures) {
      if (n == name) return v;
    }
    ADD_FAILURE() << "no figure " << name;
    return 0.0;
  };
  EXPECT_EQ(figure("group_states"), static_cast<double>(kCubeStates));
  EXPECT_EQ(figure("group_diameter_qtm"), 14.0);
  EXPECT_EQ(figure("optimal_solve_rate_uniform"), 1.0);
  EXPECT_GE(figure("solve_rate_depth_1"), 0.9);
  EXPECT_LE(figure("random_solve_rate_depth_1"), 0.5);
}

}  // namespace
}  // namespace rlab::rl::tabular
