#include "rlab/core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

namespace rlab {

namespace {
std::string Duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}
}  // namespace

Progress::Progress(std::string label, int64_t total, double interval_seconds, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      interval_(interval_seconds),
      out_(out),
      tty_(isatty(fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

Progress::~Progress() {
  if (tty_ && last_width_ > 0 && !finished_) std::fputc('\n', out_);
}

std::string Progress::Format(const std::string& label, int64_t step, int64_t total, double rate,
                             const std::string& detail) {
  std::string text = total > 0 ? fmt::format("{} {}/{} ({:.0f}%)", label, step, total,
                                             100.0 * static_cast<double>(step) / total)
                               : fmt::format("{} {}", label, step);
  text += fmt::format(" | {:.1f} steps/s", rate);
  if (total > 0 && rate > 0) {
    text += " | ETA " + Duration(static_cast<double>(total - step) / rate);
  }
  if (!detail.empty()) text += " | " + detail;
  return text;
}

void Progress::Update(int64_t step, const std::string& detail) {
  if (start_step_ < 0) start_step_ = step;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_print_).count();
  if (since < (tty_ ? 0.1 : interval_)) return;
  last_print_ = now;
  Print(step, detail, false);
}

void Progress::Finish(const std::string& detail) {
  if (finished_) return;
  Print(total_ > 0 ? total_ : 0, detail, true);
  finished_ = true;
}

void Progress::Print(int64_t step, const std::string& detail, bool final_line) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate =
      elapsed > 0 ? static_cast<double>(step - std::max<int64_t>(start_step_, 0)) / elapsed : 0.0;
  const std::string text = Format(label_, step, total_, rate, detail);
  if (tty_) {
    const size_t pad = last_width_ > text.size() ? last_width_ - text.size() : 0;
    std::fprintf(out_, "\r%s%s%s", text.c_str(), std::string(pad, ' ').c_str(),
                 final_line ? "\n" : "");
    last_width_ = text.size();
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

}  // namespace rlab
