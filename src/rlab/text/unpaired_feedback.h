// Unpaired feedback in TRL's convention (KTOTrainer's dataset format): one completion per
// record with a thumbs-up or thumbs-down, standard or conversational,
//   {"prompt": "...", "completion": "...", "label": true}
//   {"prompt": [{"role": "user", "content": "..."}, ...],
//    "completion": [{"role": "assistant", "content": "..."}], "label": false}
// from JSON Lines or a JSON array. A conversational record's prompt is rendered with the chat
// template (with its generation prompt) and its completion is what the template adds after
// it, as for conversational preference pairs. A record that does not fit is an error naming
// the file, the line (or array index) and the field.
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

std::vector<UnpairedRecord> ReadUnpairedRecords(const std::filesystem::path& path,
                                                const models::ChatTemplate& chat);

// Whether the first record of `path` has a "label" field (unpaired feedback) rather than
// preference fields.
bool IsUnpairedFeedbackFile(const std::filesystem::path& path);

// Paired records as unpaired feedback, as TRL's unpair_preference_dataset does: each
// record's best response is desirable and every other response undesirable. Ties are skipped.
std::vector<UnpairedRecord> UnpairPreferences(const std::vector<PreferenceRecord>& records);

}  // namespace rlab::data
