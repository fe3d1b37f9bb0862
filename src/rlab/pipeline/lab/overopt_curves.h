// The curves of the overoptimisation lab: gold and proxy reward against KL(pi || pi_sft), one
// curve per defence (read from its child run's evaluation lines) and one per best-of-N proxy,
// summarised as Gao et al. report them (peak and final gold, the KL at each, the fitted
// functional form of eval/overoptimization_fit.h), written as curves.jsonl and drawn as SVG.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rlab/eval/best_of_n.h"
#include "rlab/eval/overoptimization_fit.h"

namespace rlab::pipeline {

struct CurvePoint {
  int64_t at = 0;  // the step (RL, DPO) or the N (best-of-N)
  double kl = 0;
  double gold = 0;
  double proxy = 0;  // NaN where the method has no proxy (DPO)
};

struct OveroptCurve {
  std::string name;                // "single", "bon/wco", ...
  std::string method;              // "rl", "dpo" or "bon"
  std::vector<CurvePoint> points;  // in order of optimisation; the first is the SFT policy
};

// The curve of a finished rl or dpo child run: its evaluation lines with `gold_metric`
// (eval_<metric>), eval_kl and, where logged, eval_reward as the proxy.
OveroptCurve ReadRunCurve(const std::filesystem::path& run, const std::string& name,
                          const std::string& method, const std::string& gold_metric);

OveroptCurve BestOfNCurveOf(const std::string& name, const std::vector<eval::BestOfNPoint>& points);

// gold_start, gold_peak, kl_at_peak, proxy_at_peak, gold_final, kl_final, proxy_final,
// gold_drop (peak - final), and the fit of the method's form (fit_alpha, fit_beta, fit_rmse,
// fit_d_at_peak; absent where too few points determine it, with fit_error saying why).
nlohmann::json SummariseCurve(const OveroptCurve& curve);

// One line per point: {"curve", "method", "at", "kl", "gold", "proxy"}.
void WriteCurves(const std::filesystem::path& path, const std::vector<OveroptCurve>& curves);

// Gold (or proxy) reward against sqrt(KL) for every curve, with each curve's fitted form
// dashed.
std::string PlotCurves(const std::vector<OveroptCurve>& curves, bool proxy);

}  // namespace rlab::pipeline
