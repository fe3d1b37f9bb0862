#include "rlab/eval/reward_model_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/eval/bootstrap_interval.h"

namespace rlab::eval {

namespace {

// 1 when the logit says chosen wins, 1/2 when it cannot tell.
double Right(double logit) { return logit > 0 ? 1.0 : logit == 0 ? 0.5 : 0.0; }

double Quantile(std::vector<double> sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double a = sorted[lo], b = sorted[hi], t = pos - static_cast<double>(lo);
  if (std::isinf(a) || std::isinf(b)) {
    // The limit of the interpolation: the infinite end (none between -inf and +inf).
    if (t == 0 || a == b || !std::isinf(b)) return a;
    return std::isinf(a) ? std::nan("") : b;
  }
  return a + t * (b - a);
}

struct Calibration {
  double ece = 0;
  std::vector<ReliabilityBin> bins;  // the non-empty ones
};

Calibration Calibrate(const std::vector<double>& logits, int bins) {
  if (logits.empty()) return {std::nan(""), {}};
  std::vector<double> confidence(bins, 0.0), right(bins, 0.0), count(bins, 0.0);
  for (const double logit : logits) {
    const double p = 1.0 / (1.0 + std::exp(-logit));
    const double conf = std::max(p, 1.0 - p);  // in [1/2, 1]
    // The predicted side is right when it is the chosen one.
    const double correct = p > 0.5 ? 1.0 : p < 0.5 ? 0.0 : 0.5;
    const int b = std::min(bins - 1, static_cast<int>((conf - 0.5) * 2 * bins));
    confidence[b] += conf;
    right[b] += correct;
    count[b] += 1;
  }
  Calibration c;
  for (int b = 0; b < bins; ++b) {
    if (count[b] == 0) continue;
    c.ece += std::abs(right[b] - confidence[b]) / static_cast<double>(logits.size());
    c.bins.push_back(
        {confidence[b] / count[b], right[b] / count[b], static_cast<int64_t>(count[b])});
  }
  return c;
}

}  // namespace

double RecordCredit(const RecordJudgement& record) {
  RLAB_CHECK(!record.logits.empty(), "a judged record needs at least one comparison");
  return Right(*std::min_element(record.logits.begin(), record.logits.end()));
}

RewardModelReport JudgeRecords(const std::vector<RecordJudgement>& records, int ece_bins) {
  RLAB_CHECK(ece_bins >= 1, "ece_bins must be >= 1");
  RewardModelReport r;
  r.records = static_cast<int64_t>(records.size());
  std::vector<double> comparisons;  // non-tie logits
  double record_right = 0, bon_right = 0, tie_abs = 0;
  int64_t judged = 0, tie_logits = 0;
  std::map<std::string, std::pair<double, int64_t>> subset_sum;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RecordJudgement& j = records[i];
    RLAB_CHECK(!j.logits.empty(), "a judged record needs at least one comparison");
    // NaN has no order and no calibration bin; infinities are ordered and binned (confidence 1).
    for (std::size_t k = 0; k < j.logits.size(); ++k) {
      RLAB_CHECK(!std::isnan(j.logits[k]),
                 "evaluation record {} (comparison {}): the reward model scored it NaN; its "
                 "weights or inputs are not finite (a diverged training run: lower the learning "
                 "rate)",
                 i + 1, k + 1);
    }
    if (j.tie) {
      ++r.ties;
      for (const double l : j.logits) tie_abs += std::abs(l);
      tie_logits += static_cast<int64_t>(j.logits.size());
      continue;
    }
    const double right = RecordCredit(j);
    record_right += right;
    ++judged;
    if (j.logits.size() > 1) {
      bon_right += right;
      ++r.best_of_n_records;
    }
    comparisons.insert(comparisons.end(), j.logits.begin(), j.logits.end());
    if (!j.subset.empty()) {
      subset_sum[j.subset].first += right;
      subset_sum[j.subset].second += 1;
    }
  }
  r.comparisons = static_cast<int64_t>(comparisons.size());
  const double nan = std::nan("");
  r.accuracy = judged ? record_right / judged : nan;
  double comparison_right = 0, abs_sum = 0;
  for (const double l : comparisons) {
    comparison_right += Right(l);
    abs_sum += std::abs(l);
  }
  r.comparison_accuracy = comparisons.empty() ? nan : comparison_right / comparisons.size();
  r.non_tie_mean_abs_logit = comparisons.empty() ? nan : abs_sum / comparisons.size();
  r.tie_mean_abs_logit = tie_logits ? tie_abs / tie_logits : nan;
  r.best_of_n_accuracy = r.best_of_n_records ? bon_right / r.best_of_n_records : nan;
  Calibration calibration = Calibrate(comparisons, ece_bins);
  r.ece = calibration.ece;
  r.reliability = std::move(calibration.bins);
  std::vector<double> sorted = comparisons;
  std::sort(sorted.begin(), sorted.end());
  for (const double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    r.margin_quantiles[fmt::format("p{:02d}", static_cast<int>(std::lround(q * 100)))] =
        Quantile(sorted, q);
  }
  r.margin_quantiles["mean"] = comparisons.empty() ? nan : [&] {
    double s = 0;
    for (const double l : comparisons) s += l;
    return s / comparisons.size();
  }();
  // Sections: examples weigh equally inside one, sections weigh equally.
  std::map<std::string, std::pair<double, int64_t>> sections;
  for (const auto& [name, sum] : subset_sum) {
    r.subsets[name] = {sum.first / sum.second, sum.second};
    auto& s = sections[name.substr(0, name.find('/'))];
    s.first += sum.first;
    s.second += sum.second;
  }
  if (sections.empty()) {
    r.rewardbench_score = r.accuracy;
  } else {
    double total = 0;
    for (const auto& [name, s] : sections) total += s.first / s.second;
    r.rewardbench_score = total / sections.size();
  }
  return r;
}

void AddAccuracyIntervals(RewardModelReport& report, const std::vector<RecordJudgement>& records,
                          uint64_t seed) {
  std::vector<double> credits;
  std::map<std::string, std::vector<double>> subset_credits;
  for (const RecordJudgement& j : records) {
    if (j.tie) continue;
    credits.push_back(RecordCredit(j));
    if (!j.subset.empty()) subset_credits[j.subset].push_back(credits.back());
  }
  report.accuracy_ci95 = BootstrapMeanInterval(credits, DeriveSeed(seed, "bootstrap/accuracy"));
  report.subset_accuracy_ci95.clear();
  for (const auto& [name, values] : subset_credits) {
    report.subset_accuracy_ci95[name] =
        BootstrapMeanInterval(values, DeriveSeed(seed, "bootstrap/subset/" + name));
  }
}

nlohmann::json RewardModelReport::ToJson() const {
  // NaN (a figure with nothing to measure) is written as null.
  const auto num = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  const auto interval = [&](const std::array<double, 2>& ci) {
    return nlohmann::json::array({num(ci[0]), num(ci[1])});
  };
  nlohmann::json j = {{"records", records},
                      {"comparisons", comparisons},
                      {"ties", ties},
                      {"accuracy", num(accuracy)},
                      {"comparison_accuracy", num(comparison_accuracy)},
                      {"ece", num(ece)},
                      {"rewardbench_score", num(rewardbench_score)},
                      {"tie_mean_abs_logit", num(tie_mean_abs_logit)},
                      {"non_tie_mean_abs_logit", num(non_tie_mean_abs_logit)}};
  if (best_of_n_records > 0) {
    j["best_of_n_accuracy"] = num(best_of_n_accuracy);
    j["best_of_n_records"] = best_of_n_records;
  }
  for (const auto& [name, v] : margin_quantiles) j["margin"][name] = num(v);
  if (records_read >= 0) {
    j["records"] = records_read;
    j["evaluated"] = records;
    if (!not_evaluated_reason.empty()) j["not_evaluated_reason"] = not_evaluated_reason;
    if (!long_records.empty()) j["long_records"] = long_records;
  }
  if (accuracy_ci95) j["accuracy_ci95"] = interval(*accuracy_ci95);
  for (const auto& [name, s] : subsets) {
    j["subsets"][name] = {{"accuracy", s.first}, {"records", s.second}};
    if (const auto ci = subset_accuracy_ci95.find(name); ci != subset_accuracy_ci95.end()) {
      j["subsets"][name]["accuracy_ci95"] = interval(ci->second);
    }
  }
  j["reliability"] = nlohmann::json::array();
  for (const ReliabilityBin& b : reliability) {
    j["reliability"].push_back(
        {{"confidence", b.confidence}, {"accuracy", b.accuracy}, {"count", b.count}});
  }
  return j;
}

std::string RewardModelReport::Table() const {
  std::string out;
  const auto row = [&](std::string_view name, std::string value) {
    out += fmt::format("  {:<26} {}\n", name, value);
  };
  const auto pct = [](double v) {
    return std::isnan(v) ? std::string("-") : fmt::format("{:.2f}%", 100 * v);
  };
  const auto num = [](double v) {
    return std::isnan(v) ? std::string("-") : fmt::format("{:.4f}", v);
  };
  const auto with_interval = [&](double value, const std::array<double, 2>* ci) {
    if (!ci || std::isnan((*ci)[0])) return pct(value);
    return fmt::format("{} (95% CI {} - {})", pct(value), pct((*ci)[0]), pct((*ci)[1]));
  };
  const bool partial = records_read >= 0 && records < records_read;
  if (records_read >= 0) {
    row("evaluated", fmt::format("{} of {} records{}", records, records_read,
                                 partial ? ": " + not_evaluated_reason : ""));
    if (!long_records.empty() && long_records != not_evaluated_reason) {
      row("long records", long_records);
    }
  }
  row("records", fmt::format("{} ({} ties, {} comparisons)", records, ties, comparisons));
  row("accuracy",
      with_interval(accuracy, accuracy_ci95 ? &*accuracy_ci95 : nullptr) +
          (partial ? fmt::format(" on {} of {} records only", records, records_read) : ""));
  row("comparison accuracy", pct(comparison_accuracy));
  if (best_of_n_records > 0) {
    row("best-of-N accuracy",
        fmt::format("{} ({} records)", pct(best_of_n_accuracy), best_of_n_records));
  }
  row("expected calibration error", num(ece));
  if (!subsets.empty()) row("RewardBench-weighted score", pct(rewardbench_score));
  row("margin p05/p25/p50/p75/p95",
      fmt::format("{} / {} / {} / {} / {}", num(margin_quantiles.at("p05")),
                  num(margin_quantiles.at("p25")), num(margin_quantiles.at("p50")),
                  num(margin_quantiles.at("p75")), num(margin_quantiles.at("p95"))));
  if (ties > 0) {
    row("mean |logit| ties / others",
        fmt::format("{} / {}", num(tie_mean_abs_logit), num(non_tie_mean_abs_logit)));
  }
  for (const auto& [name, s] : subsets) {
    const auto ci = subset_accuracy_ci95.find(name);
    row("  " + name,
        fmt::format(
            "{} ({} records)",
            with_interval(s.first, ci == subset_accuracy_ci95.end() ? nullptr : &ci->second),
            s.second));
  }
  return out;
}

}  // namespace rlab::eval
