#include "rlab/text/preference_convert.h"

#include <fmt/format.h>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/core/rng.h"
#include "rlab/text/csv_records.h"
#include "rlab/text/preference_formats.h"
#include "rlab/text/record_file.h"

namespace rlab::data {

namespace {

constexpr std::size_t kExamples = 5;

void Tally(const ConvertedRecord& c, ConvertReport& report) {
  ++report.read;
  if (c.tie) ++report.ties;
  if (c.labels >= 2) {
    ++report.multi_label;
    if (c.unanimous) {
      ++report.unanimous;
    } else {
      ++report.split;
      if (!c.has_majority) ++report.no_majority;
    }
  }
}

void Note(const std::string& what, std::vector<std::string>& examples) {
  if (examples.size() < kExamples) examples.push_back(what);
}

// A .csv file (RFC 4180, a header row naming the columns), else ForEachRecord's JSON Lines or
// .json array.
void ForEachConvertInput(const std::filesystem::path& in,
                         const std::function<void(const nlohmann::json&, const std::string&)>& fn) {
  if (in.extension() == ".csv") {
    ForEachCsvFileRecord(in, fn);
  } else {
    ForEachRecord(in, fn);
  }
}

}  // namespace

std::string StringField(const nlohmann::json& object, std::string_view key,
                        const std::string& where, std::string_view parent) {
  const std::string field = parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
  RLAB_CHECK(object.contains(key), "{}: missing field '{}'", where, field);
  const nlohmann::json& v = object[std::string(key)];
  RLAB_CHECK(v.is_string(), "{}: field '{}' must be a string, found {}", where, field, v.dump());
  return v.get<std::string>();
}

void CopyIdAndSubset(const nlohmann::json& in, std::initializer_list<const char*> subset_fields,
                     nlohmann::ordered_json& out) {
  for (const char* id : {"idx", "id"}) {
    if (in.contains(id) && !in[id].is_null()) {
      out["id"] = in[id];
      break;
    }
  }
  for (const char* subset : subset_fields) {
    if (in.contains(subset) && in[subset].is_string()) {
      out["subset"] = in[subset];
      break;
    }
  }
}

PreferenceFormatRegistry& PreferenceFormats() {
  static PreferenceFormatRegistry registry("preference format");
  return registry;
}

void RegisterPreferenceFormats() {
  PreferenceFormatRegistry& r = PreferenceFormats();
  if (!RegisterOnce(r)) return;
  r.Register({"pairwise-annotated",
              "instruction [+ input], response1/response2 (or LLMBar's input, output_1/output_2) "
              "and annotator labels 1/2/0 (PandaLM, LLMBar); majority label, else a tie",
              {},
              [](const SpecArgs&) { return MakePairwiseAnnotatedFormat(); }});
  r.Register({"columns",
              "any column names mapped to TRL's: the prompt, the preferred and the other "
              "response, and optionally a subset (text or {role, content} message lists)",
              {{"prompt", "prompt",
                "the prompt's column ('' when chosen and rejected hold "
                "whole conversations)"},
               {"chosen", "", "the preferred response's column (required)"},
               {"rejected", "", "the other response's column (required)"},
               {"subset", "",
                "a column written as \"subset\" (a category for per-subset "
                "accuracy)"}},
              [](const SpecArgs& args) { return MakeColumnsFormat(args); }});
  r.Register({"sharegpt",
              "ShareGPT conversations with chosen/rejected gpt turns (LLaMA-Factory's preference "
              "layout); written as TRL's conversational prompt/chosen/rejected",
              {},
              [](const SpecArgs&) { return MakeShareGptFormat(); }});
}

TiePolicy ParseTiePolicy(std::string_view name) {
  if (name == "keep") return TiePolicy::kKeep;
  if (name == "drop") return TiePolicy::kDrop;
  RLAB_FAIL("unknown tie policy '{}'; valid: keep (write ties with \"tie\": true), drop", name);
}

std::vector<std::string> ConvertPreferenceRecords(const std::filesystem::path& in,
                                                  const ConvertOptions& options,
                                                  ConvertReport& report) {
  RegisterPreferenceFormats();
  const std::unique_ptr<PreferenceFormat> format = PreferenceFormats().Create(options.from);
  report = ConvertReport{};
  std::vector<std::string> lines;
  ForEachConvertInput(in, [&](const nlohmann::json& record, const std::string& where) {
    const ConvertedRecord c = format->Convert(record, where);
    Tally(c, report);
    if (!c.coerced_fields.empty()) {
      ++report.coerced;
      for (const std::string& field : c.coerced_fields) {
        Note(fmt::format("{}: field '{}' is not a string; written as text", where, field),
             report.coerced_where);
      }
    }
    // Records that ReadPreferenceRecords would refuse are left out and counted.
    if (!c.empty_field.empty()) {
      ++report.skipped_empty;
      Note(fmt::format("{}: field '{}' is empty", where, c.empty_field), report.skipped_where);
    } else if (c.identical && !c.tie) {
      ++report.skipped_identical;
      Note(fmt::format("{}: the two responses are the same text", where), report.skipped_where);
    } else if (c.tie && options.ties == TiePolicy::kDrop) {
      ++report.dropped_ties;
    } else {
      if (c.tie) ++report.written_ties;
      lines.push_back(c.record.dump());
    }
  });
  RLAB_CHECK(!lines.empty(), "{}: no record left to write ({} read, {} skipped, {} ties dropped)",
             in.string(), report.read, report.skipped_empty + report.skipped_identical,
             report.dropped_ties);
  if (options.seed) {
    // Fisher-Yates with our own generator, so the order is the same on every platform.
    Rng rng(DeriveSeed(*options.seed, "convert"));
    for (std::size_t i = lines.size() - 1; i > 0; --i) {
      std::swap(lines[i], lines[rng.UniformInt(static_cast<int64_t>(i) + 1)]);
    }
  }
  report.written = static_cast<int64_t>(lines.size());
  return lines;
}

ConvertReport ConvertPreferenceFile(const std::filesystem::path& in,
                                    const std::filesystem::path& out,
                                    const ConvertOptions& options) {
  ConvertReport report;
  const std::vector<std::string> lines = ConvertPreferenceRecords(in, options, report);
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  // Everything was read and converted before OUT is touched; the write itself is atomic.
  WriteFileAtomic(out, text);
  return report;
}

}  // namespace rlab::data
