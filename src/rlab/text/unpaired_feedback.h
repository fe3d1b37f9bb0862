// Unpaired feedback in TRL's convention (KTOTrainer's dataset format): one completion per
// record with a thumbs-up or thumbs-down,
//   {"prompt": "...", "completion": "...", "label": true}
// from JSON Lines or a JSON array. A record that does not fit is an error naming the file,
// the line (or array index) and the field. Conversational (message-list) records are not read
// yet: they are an error that says so.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rlab/text/preference_dataset.h"

namespace rlab::data {

struct UnpairedRecord {
  std::string prompt;
  std::string completion;
  bool desirable = true;  // "label"
  std::string where;
};

std::vector<UnpairedRecord> ReadUnpairedRecords(const std::filesystem::path& path);

// Whether the first record of `path` has a "label" field (unpaired feedback) rather than
// preference fields.
bool IsUnpairedFeedbackFile(const std::filesystem::path& path);

// Paired records as unpaired feedback, as TRL's unpair_preference_dataset does: each
// record's best response is desirable and every other response undesirable. Ties are skipped.
std::vector<UnpairedRecord> UnpairPreferences(const std::vector<PreferenceRecord>& records);

}  // namespace rlab::data
