// The 2x2x2 Rubik's cube (pocket cube) in the quarter-turn metric: 8 corner cubies, each with
// a place and a twist. The corner DBL never moves (R, U and F leave it in place), so the six
// quarter turns R, R', U, U', F, F' generate the whole group of 7! * 3^6 = 3,674,160 states
// without counting the cube's 24 whole-body rotations as different states. Every state has an
// index in [0, 3,674,160) and the exact number of quarter turns to solve it comes from one
// breadth-first search over the whole group (about 0.2 s).
//
// Corner places, in order: URF, UFL, ULB, UBR, DFR, DLF, DBL, DRB. A state says, for each
// place i, which cubie sits there (perm[i]) and its twist (twist[i] in {0, 1, 2}: 0 when its
// U or D sticker faces U or D). Applying a move m to a state s is the product s * m:
// (s * m).perm[i] = s.perm[m.perm[i]], (s * m).twist[i] = s.twist[m.perm[i]] + m.twist[i].
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rlab/core/rng.h"

namespace rlab::rl::tabular {

struct Cube2x2 {
  std::array<uint8_t, 8> perm{0, 1, 2, 3, 4, 5, 6, 7};
  std::array<uint8_t, 8> twist{0, 0, 0, 0, 0, 0, 0, 0};

  bool operator==(const Cube2x2& other) const = default;
};

inline constexpr int kCubeMoves = 6;             // R, R', U, U', F, F'
inline constexpr int kCubeFixedCorner = 6;       // DBL
inline constexpr int64_t kCubeStates = 3674160;  // 7! * 3^6
// One-hot features: for each of the 7 movable places, which (cubie, twist) of 7 * 3 sits there.
inline constexpr int kCubeFeatures = 7 * 21;

Cube2x2 SolvedCube();
bool IsSolved(const Cube2x2& cube);
// The product a * b: first a, then b (moves act on the right).
Cube2x2 Compose(const Cube2x2& a, const Cube2x2& b);
Cube2x2 Inverse(const Cube2x2& cube);

// Moves are numbered 0..5 = R, R', U, U', F, F'; the inverse of move m is m ^ 1.
const Cube2x2& MoveCube(int move);
inline int InverseMove(int move) { return move ^ 1; }
Cube2x2 ApplyMove(const Cube2x2& cube, int move);
Cube2x2 ApplyMoves(const Cube2x2& cube, const std::vector<int>& moves);
std::string MoveName(int move);

// `length` uniformly random moves that never undo the move just made (a move followed by its
// inverse), the usual way to scramble.
std::vector<int> ScrambleMoves(int length, Rng& rng);
// The moves that undo `moves`: their inverses in reverse order.
std::vector<int> InverseMoves(const std::vector<int>& moves);

// A bijection between the group's states and [0, kCubeStates).
int64_t CubeIndex(const Cube2x2& cube);
Cube2x2 CubeFromIndex(int64_t index);

// Writes the kCubeFeatures one-hot features of `cube` to out[0 .. kCubeFeatures).
void EncodeCube(const Cube2x2& cube, float* out);

// The quarter-turn distance to the solved state of every state, by index (breadth-first search
// over the whole group on coordinate move tables).
std::vector<uint8_t> CubeDistances();
// How many states lie at each distance 0, 1, ... from solved.
std::vector<int64_t> DistanceCounts(const std::vector<uint8_t>& distances);

}  // namespace rlab::rl::tabular
