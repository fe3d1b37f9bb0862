#include "rlab/eval/response_game_eval.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>

#include "rlab/core/check.h"

namespace rlab::eval {

namespace {

constexpr double kTolerance = 1e-9;

// Solves the least-squares system B p = e (B [R, C], R >= C) through its normal equations with
// partial pivoting; nullopt when B's columns are (numerically) dependent.
std::optional<std::vector<double>> LeastSquares(const std::vector<std::vector<double>>& b,
                                                const std::vector<double>& e) {
  const std::size_t rows = b.size(), cols = b.front().size();
  std::vector<std::vector<double>> m(cols, std::vector<double>(cols + 1, 0.0));  // [C, C + 1]
  for (std::size_t i = 0; i < cols; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      for (std::size_t r = 0; r < rows; ++r) m[i][j] += b[r][i] * b[r][j];
    }
    for (std::size_t r = 0; r < rows; ++r) m[i][cols] += b[r][i] * e[r];
  }
  for (std::size_t c = 0; c < cols; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < cols; ++r) {
      if (std::abs(m[r][c]) > std::abs(m[pivot][c])) pivot = r;
    }
    if (std::abs(m[pivot][c]) < 1e-12) return std::nullopt;
    std::swap(m[c], m[pivot]);
    for (std::size_t r = 0; r < cols; ++r) {
      if (r == c) continue;
      const double f = m[r][c] / m[c][c];
      for (std::size_t k = c; k <= cols; ++k) m[r][k] -= f * m[c][k];
    }
  }
  std::vector<double> x(cols);
  for (std::size_t c = 0; c < cols; ++c) x[c] = m[c][cols] / m[c][c];
  return x;
}

// P(t > mix) - 1/2 for a mix over types only.
double Advantage(const PreferenceMatrix& p, std::size_t t, const std::vector<double>& mix) {
  double v = 0.0;
  for (std::size_t s = 0; s < mix.size(); ++s) v += mix[s] * p[t][s];
  return v - 0.5;
}

}  // namespace

void CheckPreferenceMatrix(const PreferenceMatrix& p) {
  RLAB_CHECK(!p.empty(), "preference matrix: no types");
  for (std::size_t i = 0; i < p.size(); ++i) {
    RLAB_CHECK(p[i].size() == p.size(), "preference matrix: row {} has {} entries, not {}", i,
               p[i].size(), p.size());
    for (std::size_t j = 0; j < p.size(); ++j) {
      RLAB_CHECK(p[i][j] >= 0 && p[i][j] <= 1, "preference matrix: P[{}][{}] = {} is not in [0, 1]",
                 i, j, p[i][j]);
    }
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    for (std::size_t j = 0; j < p.size(); ++j) {
      RLAB_CHECK(std::abs(p[i][j] + p[j][i] - 1) <= kTolerance,
                 "preference matrix: P[{}][{}] + P[{}][{}] = {}, not 1", i, j, j, i,
                 p[i][j] + p[j][i]);
    }
  }
}

double CrossWinRate(const PreferenceMatrix& p, const TypeShares& a, const TypeShares& b) {
  RLAB_CHECK(a.typed.size() == p.size() && b.typed.size() == p.size(),
             "cross win rate: mixes over {} and {} types for a game of {}", a.typed.size(),
             b.typed.size(), p.size());
  double win = 0.5 * a.untyped * b.untyped;
  for (std::size_t i = 0; i < p.size(); ++i) {
    win += a.typed[i] * b.untyped;
    for (std::size_t j = 0; j < p.size(); ++j) win += a.typed[i] * b.typed[j] * p[i][j];
  }
  return win;
}

double Exploitability(const PreferenceMatrix& p, const TypeShares& pi) {
  double best = -1.0;
  for (std::size_t t = 0; t < p.size(); ++t) {
    TypeShares pure{std::vector<double>(p.size(), 0.0), 0.0};
    pure.typed[t] = 1.0;
    best = std::max(best, CrossWinRate(p, pure, pi));
  }
  return best - 0.5;
}

std::vector<double> NashMix(const PreferenceMatrix& p) {
  CheckPreferenceMatrix(p);
  const std::size_t k = p.size();
  RLAB_CHECK(k <= 12, "Nash mix: support enumeration is for at most 12 types, got {}", k);
  std::vector<uint32_t> supports;
  for (uint32_t s = 1; s < (1u << k); ++s) supports.push_back(s);
  std::stable_sort(supports.begin(), supports.end(),
                   [](uint32_t a, uint32_t b) { return std::popcount(a) < std::popcount(b); });
  for (const uint32_t support : supports) {
    std::vector<std::size_t> in;
    for (std::size_t t = 0; t < k; ++t) {
      if (support >> t & 1u) in.push_back(t);
    }
    // Every type in the support is indifferent (P(t > q) = 1/2) and q sums to one:
    // rows [|S| + 1], columns [|S|].
    std::vector<std::vector<double>> b(in.size() + 1, std::vector<double>(in.size(), 1.0));
    std::vector<double> e(in.size() + 1, 0.0);
    e.back() = 1.0;
    for (std::size_t r = 0; r < in.size(); ++r) {
      for (std::size_t c = 0; c < in.size(); ++c) b[r][c] = p[in[r]][in[c]] - 0.5;
    }
    const auto q_in = LeastSquares(b, e);
    if (!q_in) continue;
    std::vector<double> q(k, 0.0);
    bool feasible = true;
    for (std::size_t c = 0; c < in.size(); ++c) {
      feasible = feasible && (*q_in)[c] >= -kTolerance;
      q[in[c]] = std::max(0.0, (*q_in)[c]);
    }
    double sum = 0.0;
    for (double v : q) sum += v;
    if (!feasible || sum <= 0) continue;
    for (double& v : q) v /= sum;
    double worst = -1.0;
    for (std::size_t t = 0; t < k; ++t) worst = std::max(worst, Advantage(p, t, q));
    if (worst <= 1e-7) return q;
  }
  RLAB_FAIL("Nash mix: no support of the {}-type game has an isolated equilibrium", k);
}

double DistanceToMix(const TypeShares& pi, const std::vector<double>& mix) {
  RLAB_CHECK(pi.typed.size() == mix.size(), "distance to mix: {} types against {}", pi.typed.size(),
             mix.size());
  double d = pi.untyped;
  for (std::size_t t = 0; t < mix.size(); ++t) d += std::abs(pi.typed[t] - mix[t]);
  return d / 2;
}

TypeShares CountTypes(const data::ResponseGame& game, const std::vector<std::string>& completions) {
  TypeShares shares{std::vector<double>(game.TypeNames().size(), 0.0), 0.0};
  const double w = 1.0 / std::max<double>(1.0, static_cast<double>(completions.size()));
  for (const std::string& c : completions) {
    const int64_t t = game.TypeOf(c);
    (t == data::ResponseGame::kNoType ? shares.untyped : shares.typed.at(t)) += w;
  }
  return shares;
}

std::vector<std::pair<std::string, double>> GameReport::Metrics() const {
  std::vector<std::pair<std::string, double>> m = {{"exploitability", exploitability},
                                                   {"nash_distance", nash_distance}};
  for (std::size_t t = 0; t < type_names.size(); ++t) {
    m.emplace_back("type_share/" + type_names[t], shares.typed[t]);
  }
  m.emplace_back("type_share/invalid", shares.untyped);
  return m;
}

GameReport ReportGame(const data::ResponseGame& game, const std::vector<std::string>& completions) {
  GameReport r;
  const PreferenceMatrix p = game.TypePreference();
  r.type_names = game.TypeNames();
  r.shares = CountTypes(game, completions);
  r.nash = NashMix(p);
  r.exploitability = Exploitability(p, r.shares);
  r.nash_distance = DistanceToMix(r.shares, r.nash);
  return r;
}

}  // namespace rlab::eval
