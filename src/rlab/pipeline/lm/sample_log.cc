#include "rlab/pipeline/lm/sample_log.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/pipeline/run/run_context.h"

namespace rlab::pipeline {
namespace {

// A number as JSON: null when not finite (JSON has no NaN).
nlohmann::ordered_json Number(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

// `text` with every byte sequence that is not UTF-8 replaced by U+FFFD (JSON text is UTF-8).
std::string ValidUtf8(const std::string& text) {
  const std::string quoted =
      nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

// The checkpoint counter holding the file's length (see AddLengthTo).
constexpr const char* kLengthCounter = "samples_bytes";

}  // namespace

SampleLog::SampleLog(const std::filesystem::path& run_dir, bool resuming,
                     const std::optional<nlohmann::json>& counters)
    : file_(PathIn(run_dir)) {
  if (!resuming || !std::filesystem::exists(file_)) return;
  if (counters && counters->contains(kLengthCounter)) {
    const uintmax_t keep = (*counters)[kLengthCounter].get<uintmax_t>();
    RLAB_CHECK(std::filesystem::file_size(file_) >= keep,
               "{} is shorter than the {} bytes it had at the last checkpoint; it was edited or "
               "truncated since (restore the file, or delete it to log samples afresh)",
               file_.string(), keep);
    std::filesystem::resize_file(file_, keep);
  } else {
    const std::optional<int64_t> last_step =
        counters ? std::optional<int64_t>((*counters)["step"].get<int64_t>()) : std::nullopt;
    FilterJsonl(file_, [&](const nlohmann::json& line) {
      const auto step = line.find("step");
      return last_step && step != line.end() && step->is_number() &&
             step->get<int64_t>() <= *last_step;
    });
  }
  if (std::filesystem::file_size(file_) == 0) std::filesystem::remove(file_);  // nothing sampled
}

SampleLog SampleLog::ForRun(const RunContext& ctx, const std::optional<nlohmann::json>& counters) {
  return SampleLog(ctx.dir().path(), ctx.resuming(), counters);
}

void SampleLog::AddLengthTo(nlohmann::json& counters) const {
  counters[kLengthCounter] =
      std::filesystem::exists(file_) ? std::filesystem::file_size(file_) : uintmax_t{0};
}

void SampleLog::Append(int64_t step, const std::vector<Sample>& samples) {
  const size_t count = std::min(samples.size(), static_cast<size_t>(kSamplesPerEvaluation));
  if (count > 0 && !writer_.is_open()) writer_ = JsonlWriter(file_, /*append=*/true);
  for (size_t i = 0; i < count; ++i) {
    const Sample& s = samples[i];
    nlohmann::ordered_json line = {
        {"step", step}, {"prompt", ValidUtf8(s.prompt)}, {"completion", ValidUtf8(s.completion)}};
    if (s.reward) line["reward"] = Number(*s.reward);
    if (s.gold) line["gold"] = Number(*s.gold);
    writer_.Write(line);
  }
}

std::vector<Sample> TaskEvalSamples(const eval::TaskEvalResult& result) {
  std::vector<Sample> samples;
  const size_t count = std::min({result.prompts.size(), result.completions.size(),
                                 static_cast<size_t>(kSamplesPerEvaluation)});
  for (size_t i = 0; i < count; ++i) {
    Sample s{result.prompts[i], result.completions[i], std::nullopt, std::nullopt};
    if (i < result.gold.size()) s.gold = result.gold[i];
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace rlab::pipeline
