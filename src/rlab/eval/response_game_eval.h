// Measures of a policy in a task's response game (text/response_game.h): its mix of types, how
// far a best response beats it (exploitability), the game's mixed Nash equilibrium and the
// distance to it, and the win rate of one mix against another. In a symmetric game whose
// preferences satisfy P + P^T = 1 the value is 1/2: a Nash mix wins at least half its
// comparisons against every mix, and exploitability is 0 exactly at a Nash mix.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rlab/text/response_game.h"

namespace rlab::eval {

using PreferenceMatrix = std::vector<std::vector<double>>;  // [K][K] P(type i > type j)

// A distribution over the game's K types plus text of no type.
struct TypeShares {
  std::vector<double> typed;  // [K]
  double untyped = 0.0;
};

// Square, entries in [0, 1], P + P^T = 1 (to 1e-9), else an error naming the entry.
void CheckPreferenceMatrix(const PreferenceMatrix& p);

// P(a > b) for completions drawn from two mixes: the matrix over typed pairs, 1 for typed
// against untyped, 1/2 for untyped against untyped.
double CrossWinRate(const PreferenceMatrix& p, const TypeShares& a, const TypeShares& b);

// max over pure types t of P(t > pi) - 1/2: what the best single answer gains against pi. No
// untyped answer does better than the best type, so the max over types is the max over all.
double Exploitability(const PreferenceMatrix& p, const TypeShares& pi);

// A mixed Nash equilibrium of the symmetric game: a mix q with P(t > q) <= 1/2 for every type
// t. Found exactly by support enumeration (every support, smallest first, solving the
// indifference equations), so K is at most 12; the first equilibrium found is returned.
std::vector<double> NashMix(const PreferenceMatrix& p);

// Total variation distance between pi and the mix (which puts nothing on untyped text).
double DistanceToMix(const TypeShares& pi, const std::vector<double>& mix);

// The shares of the completions' types (an empty list gives all zeros).
TypeShares CountTypes(const data::ResponseGame& game, const std::vector<std::string>& completions);

// A policy's samples in the game.
struct GameReport {
  std::vector<std::string> type_names;
  TypeShares shares;
  std::vector<double> nash;  // [K]
  double exploitability = 0.0;
  double nash_distance = 0.0;
  // exploitability, nash_distance, type_share/<type>..., type_share/invalid
  std::vector<std::pair<std::string, double>> Metrics() const;
};

GameReport ReportGame(const data::ResponseGame& game, const std::vector<std::string>& completions);

}  // namespace rlab::eval
