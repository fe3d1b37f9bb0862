#include "rlab/feedback/feedback_file.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

#include "rlab/core/check.h"
#include "rlab/core/json_text.h"

namespace rlab::feedback {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 5> kFields = {"step", "first", "second", "label", "teacher"};

// A problem with one line, raised while parsing and turned into a "file:line: ..." message.
struct LineError {
  std::string message;
};

[[noreturn]] void Bad(std::string message) { throw LineError{std::move(message)}; }

int64_t SegmentId(const nlohmann::json& object, const char* field, const KnownSegment& known) {
  if (!object.contains(field)) {
    Bad(fmt::format("missing field '{}': every line needs \"first\" and \"second\" (segment ids) "
                    "and \"label\"",
                    field));
  }
  const nlohmann::json& v = object.at(field);
  if (!v.is_number_integer() || v.get<int64_t>() < 0) {
    Bad(fmt::format("field '{}': a segment id must be a whole number >= 0, got {}", field,
                    v.dump()));
  }
  const int64_t id = v.get<int64_t>();
  if (known && !known(id)) {
    Bad(fmt::format("field '{}': unknown segment id {}; use the ids of the segments this run "
                    "cut (the \"first\"/\"second\" of the queries it wrote)",
                    field, id));
  }
  return id;
}

FeedbackRecord ParseRecord(const nlohmann::json& object, const KnownSegment& known) {
  if (!object.is_object()) {
    Bad(fmt::format("expected a JSON object per line, got {}", object.type_name()));
  }
  for (const auto& [key, value] : object.items()) {
    bool ok = false;
    for (std::string_view f : kFields) ok = ok || key == f;
    if (!ok) {
      Bad(fmt::format("unknown field '{}'; valid fields: step, first, second, label, teacher",
                      key));
    }
  }
  FeedbackRecord r;
  r.first = SegmentId(object, "first", known);
  r.second = SegmentId(object, "second", known);
  if (r.first == r.second) {
    Bad(fmt::format("field 'second': segment {} is compared with itself", r.second));
  }
  if (!object.contains("label")) {
    Bad("missing field 'label': 0 (first preferred), 1 (second preferred), 0.5 (equally "
        "preferable) or null (skipped)");
  }
  const nlohmann::json& label = object.at("label");
  if (!label.is_null()) {
    if (!label.is_number() || !IsValidLabel(label.get<double>())) {
      Bad(fmt::format("field 'label': {} is not a label; use 0 (first preferred), 1 (second "
                      "preferred), 0.5 (equally preferable) or null (skipped)",
                      label.dump()));
    }
    r.label = label.get<double>();
  }
  if (object.contains("step")) {
    const nlohmann::json& step = object.at("step");
    if (!step.is_number_integer() || step.get<int64_t>() < 0) {
      Bad(fmt::format("field 'step': must be a whole number >= 0, got {}", step.dump()));
    }
    r.step = step.get<int64_t>();
  }
  if (object.contains("teacher")) {
    const nlohmann::json& teacher = object.at("teacher");
    if (!teacher.is_string()) {
      Bad(fmt::format("field 'teacher': must be a string, got {}", teacher.dump()));
    }
    r.teacher = teacher.get<std::string>();
  }
  return r;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

bool IsValidLabel(double label) { return label == 0.0 || label == 0.5 || label == 1.0; }

FeedbackReadResult ReadFeedbackFilePartial(const fs::path& path, const KnownSegment& known) {
  FeedbackReadResult result;
  if (!fs::exists(path)) {
    result.error = fmt::format("{}: no such feedback file", path.string());
    return result;
  }
  if (fs::is_directory(path)) {
    result.error = fmt::format("{}: is a directory; give the feedback file (one JSON object per "
                               "line) inside it",
                               path.string());
    return result;
  }
  const std::string text = ReadFile(path);
  size_t pos = 0;
  int64_t number = 0;
  while (pos < text.size()) {
    const size_t end = text.find('\n', pos);
    const bool complete = end != std::string::npos;
    std::string_view line(text.data() + pos, (complete ? end : text.size()) - pos);
    pos = complete ? end + 1 : text.size();
    ++number;
    if (IsBlank(line)) continue;
    nlohmann::json object;
    try {
      object = ParseJsonLine(line, fmt::format("{}:{}", path.string(), number));
    } catch (const Error& e) {
      result.error_line = number;
      result.error =
          complete ? fmt::format("{}; each line must be one object such as "
                                 "{{\"first\": 3, \"second\": 8, \"label\": 1}}",
                                 e.what())
                   : fmt::format("{}:{}: the last line is truncated (no newline at the end and "
                                 "not complete JSON); the {} record(s) before it are intact; "
                                 "finish or delete that line",
                                 path.string(), number, result.records.size());
      return result;
    }
    try {
      FeedbackRecord record = ParseRecord(object, known);
      record.line = number;
      result.records.push_back(std::move(record));
    } catch (const LineError& e) {
      result.error_line = number;
      result.error = fmt::format("{}:{}: {}", path.string(), number, e.message);
      return result;
    }
  }
  return result;
}

std::vector<FeedbackRecord> ReadFeedbackFile(const fs::path& path, const KnownSegment& known) {
  FeedbackReadResult result = ReadFeedbackFilePartial(path, known);
  RLAB_CHECK(!result.error, "{}", *result.error);
  return std::move(result.records);
}

FeedbackWriter::FeedbackWriter(const fs::path& path, std::optional<int64_t> keep_through_step)
    : path_(path) {
  if (fs::exists(path) && fs::file_size(path) > 0) {
    std::string text = ReadFile(path);
    if (text.back() != '\n') {
      // The last line lost its newline: keep it if it is a complete object, else drop it.
      const size_t cut = text.rfind('\n');
      const size_t start = cut == std::string::npos ? 0 : cut + 1;
      const nlohmann::json last =
          nlohmann::json::parse(text.substr(start), nullptr, /*allow_exceptions=*/false);
      if (last.is_discarded() || !last.is_object()) {
        text.resize(start);
        dropped_torn_lines_ = 1;
      } else {
        text += '\n';
      }
      WriteFileAtomic(path, text);
    }
    if (keep_through_step) {
      const int64_t keep = *keep_through_step;
      FilterJsonl(path, [keep](const nlohmann::json& o) {
        return !o.contains("step") || !o["step"].is_number_integer() ||
               o["step"].get<int64_t>() <= keep;
      });
    }
  }
  writer_ = JsonlWriter(path, /*append=*/true);
}

void FeedbackWriter::Write(const FeedbackRecord& record) {
  RLAB_CHECK(record.first >= 0 && record.second >= 0,
             "feedback file '{}': segment ids must be >= 0, got {} and {}", path_.string(),
             record.first, record.second);
  RLAB_CHECK(!record.label || IsValidLabel(*record.label),
             "feedback file '{}': label {} is not 0, 0.5 or 1", path_.string(),
             record.label.value_or(0.0));
  nlohmann::ordered_json line;
  if (record.step >= 0) line["step"] = record.step;  // -1: no step (a hand-made record)
  line["first"] = record.first;
  line["second"] = record.second;
  if (!record.label) {
    line["label"] = nullptr;
  } else if (*record.label == 0.5) {
    line["label"] = 0.5;
  } else {
    line["label"] = static_cast<int>(*record.label);  // 0 or 1, written as integers
  }
  line["teacher"] = record.teacher;
  writer_.Write(line);
}

}  // namespace rlab::feedback
