// Wall time split into named sections, for the "where does a run's time go" figures that
// summaries report (for example PbRL's environment steps, agent updates and reward learning).
// Sections may nest only if the caller accounts for the overlap; a resumed run's split covers
// the steps of its own process.
#pragma once

#include <chrono>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>

namespace rlab {

class TimeSplit {
 public:
  using Clock = std::chrono::steady_clock;

  // Adds the time from its construction to its destruction to one section; a null split
  // (timing switched off) measures nothing.
  class Measure {
   public:
    Measure(TimeSplit& split, std::string section) : Measure(&split, std::move(section)) {}
    Measure(TimeSplit* split, std::string section)
        : split_(split), section_(std::move(section)), start_(Clock::now()) {}
    ~Measure() {
      if (split_ != nullptr) {
        split_->Add(section_, std::chrono::duration<double>(Clock::now() - start_).count());
      }
    }
    Measure(const Measure&) = delete;
    Measure& operator=(const Measure&) = delete;

   private:
    TimeSplit* split_;
    std::string section_;
    Clock::time_point start_;
  };

  void Add(const std::string& section, double seconds) { seconds_[section] += seconds; }
  double Seconds(const std::string& section) const {
    const auto it = seconds_.find(section);
    return it == seconds_.end() ? 0.0 : it->second;
  }
  // The sum over the named sections (absent ones count 0), or over all of them.
  double Total(std::initializer_list<std::string> sections) const {
    double sum = 0.0;
    for (const std::string& section : sections) sum += Seconds(section);
    return sum;
  }
  double Total() const {
    double sum = 0.0;
    for (const auto& [section, seconds] : seconds_) sum += seconds;
    return sum;
  }
  const std::map<std::string, double>& sections() const { return seconds_; }

 private:
  std::map<std::string, double> seconds_;
};

}  // namespace rlab
