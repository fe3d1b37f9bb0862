#include "rlab/pipeline/lab/overopt_curves.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/core/metrics.h"
#include "rlab/report/svg_plot.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

namespace {

double NumberOr(const nlohmann::json& line, const std::string& key, double otherwise) {
  return line.contains(key) && line[key].is_number() ? line[key].get<double>() : otherwise;
}

eval::GaoForm FormOf(const std::string& method) {
  return method == "bon" ? eval::GaoForm::kBestOfN : eval::GaoForm::kRl;
}

}  // namespace

OveroptCurve ReadRunCurve(const fs::path& run, const std::string& name, const std::string& method,
                          const std::string& gold_metric) {
  OveroptCurve curve{name, method, {}};
  const std::string gold_key = "eval_" + gold_metric;
  MetricsReader metrics(run / "metrics.jsonl");
  nlohmann::json line;
  while (metrics.Next(line)) {
    if (!line.contains(gold_key) || !line.contains("eval_kl")) continue;
    CurvePoint p;
    p.at = line.value("step", int64_t{0});
    p.kl = line["eval_kl"].get<double>();
    p.gold = line[gold_key].get<double>();
    p.proxy = NumberOr(line, "eval_reward", std::nan(""));
    curve.points.push_back(p);
  }
  RLAB_CHECK(!curve.points.empty(), "{}: no evaluation lines with {} and eval_kl in metrics.jsonl",
             run.string(), gold_key);
  return curve;
}

OveroptCurve BestOfNCurveOf(const std::string& name,
                            const std::vector<eval::BestOfNPoint>& points) {
  OveroptCurve curve{name, "bon", {}};
  for (const auto& b : points) curve.points.push_back({b.n, b.kl, b.gold, b.proxy});
  return curve;
}

nlohmann::json SummariseCurve(const OveroptCurve& curve) {
  RLAB_CHECK(!curve.points.empty(), "curve {} has no points", curve.name);
  const auto& pts = curve.points;
  std::size_t peak = 0;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    if (pts[i].gold > pts[peak].gold) peak = i;
  }
  const CurvePoint& first = pts.front();
  const CurvePoint& last = pts.back();
  nlohmann::json s = {{"method", curve.method},
                      {"points", pts.size()},
                      {"gold_start", first.gold},
                      {"gold_peak", pts[peak].gold},
                      {"kl_at_peak", pts[peak].kl},
                      {"at_peak", pts[peak].at},
                      {"gold_final", last.gold},
                      {"kl_final", last.kl},
                      {"gold_drop", pts[peak].gold - last.gold}};
  if (std::isfinite(first.proxy)) {
    s["proxy_start"] = first.proxy;
    s["proxy_at_peak"] = pts[peak].proxy;
    s["proxy_final"] = last.proxy;
  }
  std::vector<double> kl, gain;
  for (const auto& p : pts) {
    kl.push_back(p.kl);
    gain.push_back(p.gold - first.gold);
  }
  try {
    const eval::GaoFit fit = eval::FitGaoForm(FormOf(curve.method), kl, gain);
    s["fit_form"] = eval::GaoFormName(fit.form);
    s["fit_alpha"] = fit.alpha;
    s["fit_beta"] = fit.beta;
    s["fit_rmse"] = fit.rmse;
    const double d = fit.d_at_peak();
    if (std::isfinite(d)) s["fit_kl_at_peak"] = d * d;
  } catch (const std::exception& e) {
    s["fit_error"] = e.what();
  }
  return s;
}

void WriteCurves(const fs::path& path, const std::vector<OveroptCurve>& curves) {
  std::string text;
  for (const auto& c : curves) {
    for (const auto& p : c.points) {
      nlohmann::json line = {
          {"curve", c.name}, {"method", c.method}, {"at", p.at}, {"kl", p.kl}, {"gold", p.gold}};
      if (std::isfinite(p.proxy)) line["proxy"] = p.proxy;
      text += line.dump() + "\n";
    }
  }
  WriteFileAtomic(path, text);
}

std::string PlotCurves(const std::vector<OveroptCurve>& curves, bool proxy) {
  report::PlotSpec plot;
  plot.title = proxy ? "Proxy reward against the distance from the SFT policy"
                     : "Gold reward against the distance from the SFT policy";
  // Against d = sqrt(KL), Gao et al.'s axis: the fitted forms are functions of d, and the
  // early points, where the gold reward peaks, are not squeezed against the axis.
  plot.x.title = "sqrt KL(pi || pi_sft), sqrt nats";
  plot.y.title = proxy ? "proxy reward" : "gold reward";
  for (const auto& c : curves) {
    report::Series s;
    s.label = c.method == "bon" ? c.name : fmt::format("{} ({})", c.name, c.method);
    for (const auto& p : c.points) {
      s.x.push_back(std::sqrt(std::max(p.kl, 0.0)));
      s.y.push_back(proxy ? p.proxy : p.gold);
    }
    if (proxy && !std::isfinite(c.points.front().proxy)) continue;
    s.mark = report::Mark::kScatter;
    const nlohmann::json summary = SummariseCurve(c);
    if (!proxy && summary.contains("fit_alpha")) {
      const eval::GaoForm form = FormOf(c.method);
      const double a = summary["fit_alpha"], b = summary["fit_beta"], start = summary["gold_start"];
      s.fit = [=](double d) { return start + eval::GaoCurve(form, a, b, d); };
      s.fit_label = eval::GaoFormName(form) + " fit";
    }
    plot.series.push_back(std::move(s));
  }
  return report::RenderSvg(plot);
}

}  // namespace rlab::pipeline
