#include "rlab/pipeline/control/episode_window.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace rlab::pipeline {

EpisodeWindow::EpisodeWindow(int64_t start_step)
    : start_step_(start_step), start_(std::chrono::steady_clock::now()) {}

void EpisodeWindow::Add(const std::vector<rl::EpisodeRecord>& episodes) {
  for (const rl::EpisodeRecord& e : episodes) {
    ++episodes_;
    ++count_;
    true_ += e.true_return;
    trained_ += e.trained_return;
    length_ += static_cast<double>(e.length);
    last100_.push_back(e.true_return);
    if (last100_.size() > 100) last100_.pop_front();
  }
}

double EpisodeWindow::mean_last100() const {
  return last100_.empty()
             ? std::nan("")
             : std::accumulate(last100_.begin(), last100_.end(), 0.0) / last100_.size();
}

MetricList EpisodeWindow::Flush(int64_t step, bool with_trained_return) {
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double n = static_cast<double>(count_);
  const double none = std::nan("");
  MetricList m = {{"episodic_return", count_ ? true_ / n : none},
                  {"episodic_length", count_ ? length_ / n : none}};
  if (with_trained_return) m.emplace_back("trained_return", count_ ? trained_ / n : none);
  m.insert(m.end(), {{"mean_return_last100", mean_last100()},
                     {"episodes", static_cast<double>(episodes_)},
                     {"steps_per_second", (step - start_step_) / std::max(seconds, 1e-9)}});
  true_ = trained_ = length_ = 0;
  count_ = 0;
  start_step_ = step;
  start_ = now;
  return m;
}

void EpisodeWindow::Save(nlohmann::json& counters) const {
  counters["episodes"] = episodes_;
  counters["last100"] = std::vector<double>(last100_.begin(), last100_.end());
  counters["window"] = {true_, trained_, length_, count_};
}

void EpisodeWindow::Restore(const nlohmann::json& c, int64_t step) {
  episodes_ = c.at("episodes");
  last100_.clear();
  for (double r : c.at("last100")) last100_.push_back(r);
  if (c.contains("window")) {  // older train-rl checkpoints start an empty window
    true_ = c["window"][0];
    trained_ = c["window"][1];
    length_ = c["window"][2];
    count_ = c["window"][3];
  }
  start_step_ = step;
  start_ = std::chrono::steady_clock::now();
}

}  // namespace rlab::pipeline
