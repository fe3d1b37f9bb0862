// Progress for long work: on a terminal, one line updated in place (step, steps/s, ETA and a
// key metric); otherwise (logs, CI) a plain line every few seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace rlab {

class Progress {
 public:
  // total <= 0 means unknown (no ETA). interval_seconds applies to plain (non-terminal) output.
  Progress(std::string label, int64_t total, double interval_seconds = 5.0,
           std::FILE* out = stderr);
  ~Progress();

  // Reports that `step` of `total` is done; `detail` is a short metric text ("loss=0.31").
  void Update(int64_t step, const std::string& detail = "");
  void Finish(const std::string& detail = "");

  // The text of one progress line (exposed for tests).
  static std::string Format(const std::string& label, int64_t step, int64_t total, double rate,
                            const std::string& detail);

 private:
  void Print(int64_t step, const std::string& detail, bool final_line);

  std::string label_;
  int64_t total_;
  double interval_;
  std::FILE* out_;
  bool tty_;
  bool finished_ = false;
  int64_t start_step_ = -1;
  size_t last_width_ = 0;
  std::chrono::steady_clock::time_point start_, last_print_;
};

}  // namespace rlab
