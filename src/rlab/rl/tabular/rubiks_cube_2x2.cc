#include "rlab/rl/tabular/rubiks_cube_2x2.h"

#include "rlab/core/check.h"

namespace rlab::rl::tabular {
namespace {

constexpr int kPermStates = 5040;  // 7!
constexpr int kTwistStates = 729;  // 3^6
constexpr int kMovablePlaces[7] = {0, 1, 2, 3, 4, 5, 7};

// The clockwise quarter turns as states (which cubie lands in each place, and its twist).
Cube2x2 QuarterTurn(char face) {
  Cube2x2 c;
  switch (face) {
    case 'R': c.perm = {4, 1, 2, 0, 7, 5, 6, 3}, c.twist = {2, 0, 0, 1, 1, 0, 0, 2}; break;
    case 'U': c.perm = {3, 0, 1, 2, 4, 5, 6, 7}, c.twist = {0, 0, 0, 0, 0, 0, 0, 0}; break;
    case 'F': c.perm = {1, 5, 2, 3, 0, 4, 6, 7}, c.twist = {1, 2, 0, 0, 2, 1, 0, 0}; break;
  }
  return c;
}

const std::array<Cube2x2, kCubeMoves>& AllMoves() {
  static const std::array<Cube2x2, kCubeMoves> moves = [] {
    std::array<Cube2x2, kCubeMoves> m;
    const char faces[3] = {'R', 'U', 'F'};
    for (int f = 0; f < 3; ++f) {
      m[2 * f] = QuarterTurn(faces[f]);
      m[2 * f + 1] = Inverse(m[2 * f]);
    }
    return m;
  }();
  return moves;
}

// Cubie ids of the movable places renumbered 0..6 (cubie 7 takes the fixed corner's number).
int MovableId(int cubie) { return cubie == 7 ? kCubeFixedCorner : cubie; }
int CubieOfMovableId(int id) { return id == kCubeFixedCorner ? 7 : id; }

int PermIndex(const Cube2x2& cube) {
  int index = 0;
  for (int i = 0; i < 7; ++i) {
    const int v = MovableId(cube.perm[kMovablePlaces[i]]);
    int smaller_after = 0;
    for (int j = i + 1; j < 7; ++j) smaller_after += MovableId(cube.perm[kMovablePlaces[j]]) < v;
    index = index * (7 - i) + smaller_after;
  }
  return index;
}

void SetPermFromIndex(int index, Cube2x2& cube) {
  int digits[7];
  for (int i = 6; i >= 0; --i) {
    digits[i] = index % (7 - i);
    index /= 7 - i;
  }
  std::vector<int> unused = {0, 1, 2, 3, 4, 5, 6};
  for (int i = 0; i < 7; ++i) {
    cube.perm[kMovablePlaces[i]] = static_cast<uint8_t>(CubieOfMovableId(unused[digits[i]]));
    unused.erase(unused.begin() + digits[i]);
  }
  cube.perm[kCubeFixedCorner] = kCubeFixedCorner;
}

int TwistIndex(const Cube2x2& cube) {
  int index = 0;
  for (int i = 0; i < 6; ++i) index = index * 3 + cube.twist[i];
  return index;
}

void SetTwistFromIndex(int index, Cube2x2& cube) {
  int sum = 0;
  for (int i = 5; i >= 0; --i) {
    cube.twist[i] = static_cast<uint8_t>(index % 3);
    sum += cube.twist[i];
    index /= 3;
  }
  cube.twist[kCubeFixedCorner] = 0;
  cube.twist[7] = static_cast<uint8_t>((3 - sum % 3) % 3);
}

}  // namespace

Cube2x2 SolvedCube() { return Cube2x2{}; }

bool IsSolved(const Cube2x2& cube) { return cube == Cube2x2{}; }

Cube2x2 Compose(const Cube2x2& a, const Cube2x2& b) {
  Cube2x2 out;
  for (int i = 0; i < 8; ++i) {
    out.perm[i] = a.perm[b.perm[i]];
    out.twist[i] = static_cast<uint8_t>((a.twist[b.perm[i]] + b.twist[i]) % 3);
  }
  return out;
}

Cube2x2 Inverse(const Cube2x2& cube) {
  Cube2x2 out;
  for (int i = 0; i < 8; ++i) {
    out.perm[cube.perm[i]] = static_cast<uint8_t>(i);
    out.twist[cube.perm[i]] = static_cast<uint8_t>((3 - cube.twist[i]) % 3);
  }
  return out;
}

const Cube2x2& MoveCube(int move) {
  RLAB_CHECK(move >= 0 && move < kCubeMoves, "cube move {} is not in 0..5 (R R' U U' F F')", move);
  return AllMoves()[move];
}

Cube2x2 ApplyMove(const Cube2x2& cube, int move) { return Compose(cube, MoveCube(move)); }

Cube2x2 ApplyMoves(const Cube2x2& cube, const std::vector<int>& moves) {
  Cube2x2 out = cube;
  for (int m : moves) out = ApplyMove(out, m);
  return out;
}

std::string MoveName(int move) {
  static const char* names[kCubeMoves] = {"R", "R'", "U", "U'", "F", "F'"};
  MoveCube(move);  // checks the range
  return names[move];
}

std::vector<int> ScrambleMoves(int length, Rng& rng) {
  RLAB_CHECK(length >= 0, "scramble length must be >= 0, got {}", length);
  std::vector<int> moves;
  moves.reserve(length);
  for (int i = 0; i < length; ++i) {
    int m = static_cast<int>(rng.UniformInt(kCubeMoves - (moves.empty() ? 0 : 1)));
    if (!moves.empty() && m >= InverseMove(moves.back())) ++m;  // skip the undoing move
    moves.push_back(m);
  }
  return moves;
}

std::vector<int> InverseMoves(const std::vector<int>& moves) {
  std::vector<int> out(moves.rbegin(), moves.rend());
  for (int& m : out) m = InverseMove(m);
  return out;
}

int64_t CubeIndex(const Cube2x2& cube) {
  return static_cast<int64_t>(PermIndex(cube)) * kTwistStates + TwistIndex(cube);
}

Cube2x2 CubeFromIndex(int64_t index) {
  RLAB_CHECK(index >= 0 && index < kCubeStates, "cube index {} is not in [0, {})", index,
             kCubeStates);
  Cube2x2 cube;
  SetPermFromIndex(static_cast<int>(index / kTwistStates), cube);
  SetTwistFromIndex(static_cast<int>(index % kTwistStates), cube);
  return cube;
}

void EncodeCube(const Cube2x2& cube, float* out) {
  std::fill(out, out + kCubeFeatures, 0.0f);
  for (int i = 0; i < 7; ++i) {
    const int place = kMovablePlaces[i];
    out[i * 21 + MovableId(cube.perm[place]) * 3 + cube.twist[place]] = 1.0f;
  }
}

std::vector<uint8_t> CubeDistances() {
  // Permutation and twist move independently under a move, so each has its own small table.
  std::vector<std::array<int, kCubeMoves>> perm_move(kPermStates), twist_move(kTwistStates);
  for (int p = 0; p < kPermStates; ++p) {
    Cube2x2 c;
    SetPermFromIndex(p, c);
    for (int m = 0; m < kCubeMoves; ++m) perm_move[p][m] = PermIndex(ApplyMove(c, m));
  }
  for (int t = 0; t < kTwistStates; ++t) {
    Cube2x2 c;
    SetTwistFromIndex(t, c);
    for (int m = 0; m < kCubeMoves; ++m) twist_move[t][m] = TwistIndex(ApplyMove(c, m));
  }
  constexpr uint8_t kUnseen = 255;
  std::vector<uint8_t> distance(kCubeStates, kUnseen);
  std::vector<int32_t> frontier = {static_cast<int32_t>(CubeIndex(SolvedCube()))};
  distance[frontier[0]] = 0;
  for (uint8_t depth = 1; !frontier.empty(); ++depth) {
    std::vector<int32_t> next;
    for (int32_t s : frontier) {
      const int p = s / kTwistStates, t = s % kTwistStates;
      for (int m = 0; m < kCubeMoves; ++m) {
        const int32_t n = perm_move[p][m] * kTwistStates + twist_move[t][m];
        if (distance[n] != kUnseen) continue;
        distance[n] = depth;
        next.push_back(n);
      }
    }
    frontier.swap(next);
  }
  return distance;
}

std::vector<int64_t> DistanceCounts(const std::vector<uint8_t>& distances) {
  std::vector<int64_t> counts;
  for (uint8_t d : distances) {
    if (d >= counts.size()) counts.resize(d + 1, 0);
    ++counts[d];
  }
  return counts;
}

}  // namespace rlab::rl::tabular
