// Hand-written run directories for the report tests.
#pragma once

#include <filesystem>
#include <string>

#include "test_support.h"

namespace rlab::report::testing_runs {

struct FakeRun {
  std::string config = "pipeline: bt-recovery\ntrain:\n  steps: 40\n";
  std::string metrics;
  std::string summary = R"({"pipeline": "bt-recovery", "heldout_accuracy": 0.9, "steps": 40})";
  std::string samples, predictions, feedback;  // samples.jsonl, predictions.jsonl, feedback.jsonl
};

// Writes config.yaml, metrics.jsonl and summary.json (each only when non-empty) and
// checkpoints/ under `dir`.
inline std::filesystem::path WriteRun(const std::filesystem::path& dir, const FakeRun& run) {
  std::filesystem::create_directories(dir / "checkpoints");
  if (!run.config.empty()) rlab::testing::WriteText(dir / "config.yaml", run.config);
  if (!run.metrics.empty()) rlab::testing::WriteText(dir / "metrics.jsonl", run.metrics);
  if (!run.summary.empty()) rlab::testing::WriteText(dir / "summary.json", run.summary);
  if (!run.samples.empty()) rlab::testing::WriteText(dir / "samples.jsonl", run.samples);
  if (!run.predictions.empty()) {
    rlab::testing::WriteText(dir / "predictions.jsonl", run.predictions);
  }
  if (!run.feedback.empty()) rlab::testing::WriteText(dir / "feedback.jsonl", run.feedback);
  return dir;
}

// A bt-recovery-like metrics file: loss falls, accuracies rise; `offset` shifts the values so
// two runs differ. Step 20 has a null pearson (a gap).
inline std::string BtMetrics(double offset) {
  std::string text;
  for (int step = 0; step <= 40; step += 10) {
    const double t = step / 40.0;
    const std::string pearson = step == 20 ? "null" : std::to_string(0.2 + 0.7 * t - offset);
    text += "{\"step\": " + std::to_string(step) +
            ", \"loss\": " + std::to_string(0.7 - 0.4 * t + offset) +
            ", \"heldout_accuracy\": " + std::to_string(0.55 + 0.35 * t - offset) +
            ", \"pearson\": " + pearson + "}\n";
  }
  return text;
}

// An eval-rm run as eval-rm writes it: summary with per-subset accuracies and intervals and a
// reliability list, and predictions.jsonl with one line per record.
inline FakeRun EvalRmRun() {
  FakeRun run;
  run.config = "pipeline: eval-rm\nmodel: runs/rm/model\ndata: pairs.jsonl\n";
  run.summary = R"({"pipeline": "eval-rm", "records": 200, "evaluated": 180,
    "accuracy": 0.7, "accuracy_ci95": [0.63, 0.77], "ece": 0.05,
    "margin": {"mean": 0.4, "p05": -1.2},
    "subsets": {"chat": {"accuracy": 0.8, "records": 100, "accuracy_ci95": [0.72, 0.88]},
                "math": {"accuracy": 0.6, "records": 80, "accuracy_ci95": [0.5, 0.7]}},
    "reliability": [{"confidence": 0.55, "accuracy": 0.52, "count": 60},
                    {"confidence": 0.75, "accuracy": 0.7, "count": 80},
                    {"confidence": 0.95, "accuracy": 0.9, "count": 40}]})";
  for (int i = 0; i < 40; ++i) {
    const double margin = -1.5 + 0.1 * i;
    run.predictions +=
        "{\"index\": " + std::to_string(i) + ", \"subset\": \"" + (i % 2 ? "chat" : "math") +
        "\", \"chosen_score\": " + std::to_string(margin) +
        ", \"rejected_score\": 0, \"margin\": " + std::to_string(margin) +
        ", \"correct\": " + (margin > 0 ? "true" : "false") + ", \"truncated\": false}\n";
  }
  return run;
}

// A DPO run with sample completions at two evaluations (the text needs escaping).
inline FakeRun SamplesRun() {
  FakeRun run;
  run.config = "pipeline: dpo\nrun:\n  seed: 1\n";
  run.metrics = "{\"step\": 0, \"eval_gold_win_rate\": 0.5}\n"
                "{\"step\": 10, \"loss\": 0.6, \"eval_gold_win_rate\": 0.62}\n";
  run.summary = R"({"pipeline": "dpo", "gold_win_rate": 0.62, "status": "interrupted"})";
  run.samples = "{\"step\": 0, \"prompt\": \"2+2=\", \"completion\": \"<b>5</b>\", "
                "\"gold\": 0.0}\n"
                "{\"step\": 10, \"prompt\": \"2+2=\", \"completion\": \"4\", "
                "\"reward\": 0.9, \"gold\": 1.0}\n";
  return run;
}

// Run `seed` of one experiment (the same config but for run.seed and run.name).
inline FakeRun SeedRun(int seed) {
  FakeRun run;
  run.config = "pipeline: bt-recovery\ntrain:\n  steps: 40\nrun:\n  name: bt-s" +
               std::to_string(seed) + "\n  seed: " + std::to_string(seed) + "\n";
  run.metrics = BtMetrics(0.02 * seed);
  return run;
}

// The text of the report section with id `id`, up to its end ("" when there is none).
inline std::string SectionText(const std::string& html, const std::string& id) {
  const size_t start = html.find("id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</section>", start) - start);
}

// Occurrences of `needle` in `hay`.
inline int Count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace rlab::report::testing_runs
