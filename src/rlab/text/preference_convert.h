// Converting preference data published in other layouts to TRL's, one JSON object per line:
//   {"prompt": ..., "chosen": ..., "rejected": ...}    plus "tie": true for a tie, "subset"
//   (the source's own category, when it has one) and "id" (the source's idx or id).
// Each source layout is a PreferenceFormat in the registry "preference format"
// (preference_formats.h lists them); ConvertPreferenceFile reads a file in one of them,
// applies the tie policy and writes the result atomically, so a failed conversion never leaves
// half a file or harms an existing one.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/registry.h"

namespace rlab::data {

// One converted record, with what the report counts.
struct ConvertedRecord {
  nlohmann::ordered_json record;  // prompt, chosen, rejected, [tie], [subset], [id]
  bool tie = false;
  // Records with two or more labels: whether they all agreed, and whether a strict majority
  // existed (a record without one is a tie).
  int labels = 0;
  bool unanimous = false;
  bool has_majority = true;
  // The input field of a response that is empty ("" when none is): such a record cannot be
  // read back (ReadPreferenceRecords refuses empty responses), so it is skipped.
  std::string empty_field;
  bool identical = false;  // the two responses are the same text
  // Input fields that held a boolean or a number where text belongs, converted to text.
  std::vector<std::string> coerced_fields;
};

class PreferenceFormat {
 public:
  virtual ~PreferenceFormat() = default;
  // Converts one input record; errors name `where` (file:line or file: record i) and the
  // input field.
  virtual ConvertedRecord Convert(const nlohmann::json& record, const std::string& where) const = 0;
};

using PreferenceFormatRegistry = Registry<PreferenceFormat>;
PreferenceFormatRegistry& PreferenceFormats();
// Registers the built-in formats (safe to call more than once).
void RegisterPreferenceFormats();

enum class TiePolicy { kKeep, kDrop };
TiePolicy ParseTiePolicy(std::string_view name);  // "keep" or "drop"

struct ConvertOptions {
  std::string from;  // a registered format
  TiePolicy ties = TiePolicy::kKeep;
  std::optional<uint64_t> seed;  // shuffle the written records with this seed; else keep order
};

struct ConvertReport {
  int64_t read = 0;
  int64_t written = 0;
  int64_t ties = 0;                        // ties in the input (kept or dropped)
  int64_t dropped_ties = 0;                // ties left out by TiePolicy::kDrop
  int64_t written_ties = 0;                // ties written with "tie": true
  int64_t multi_label = 0;                 // records with two or more labels
  int64_t unanimous = 0;                   // ... on which every label agreed
  int64_t split = 0;                       // ... on which they did not (split decisions)
  int64_t no_majority = 0;                 // ... split decisions without a strict majority (ties)
  int64_t skipped_empty = 0;               // a response is empty
  int64_t skipped_identical = 0;           // both responses are the same text and it is no tie
  std::vector<std::string> skipped_where;  // the first few skipped records and why
  int64_t coerced = 0;  // records with a boolean or number converted to a response text
  std::vector<std::string> coerced_where;  // the first few of them, with the field
};

// Converts the records of `options.from`'s layout in `in` (JSON Lines, a .json array, or a .csv
// file whose header names the columns, see csv_records.h) and
// returns the output lines (each one JSON object) with the counts.
std::vector<std::string> ConvertPreferenceRecords(const std::filesystem::path& in,
                                                  const ConvertOptions& options,
                                                  ConvertReport& report);

// ConvertPreferenceRecords, then writes the lines to `out` atomically (a temporary file beside
// it, renamed over it at the end).
ConvertReport ConvertPreferenceFile(const std::filesystem::path& in,
                                    const std::filesystem::path& out,
                                    const ConvertOptions& options);

}  // namespace rlab::data
