#include "rlab/text/policy_preferences.h"

namespace rlab::data {

std::vector<PolicyPreferenceExample> TokenizePolicyPreferences(
    const std::vector<PreferenceRecord>& records, const models::Tokenizer& tokenizer,
    int64_t max_length, PolicyPreferenceStats* stats) {
  PolicyPreferenceStats local;
  std::vector<PolicyPreferenceExample> out;
  out.reserve(records.size());
  for (const PreferenceRecord& record : records) {
    if (record.tie) {
      ++local.ties;
      continue;
    }
    std::vector<SftRecord> responses;
    for (const std::string& response : record.responses) {
      responses.push_back({{{record.prompt, false}, {response, true}}, true, record.where});
    }
    TokenizeStats cut;
    PolicyPreferenceExample e{TokenizeSftRecords(responses, tokenizer, max_length, &cut),
                              record.ranked, record.where, record.margin};
    if (!e.margin && record.score_chosen && record.score_rejected) {
      e.margin = *record.score_chosen - *record.score_rejected;
    }
    if (cut.dropped > 0) {
      ++local.dropped;
      continue;
    }
    if (cut.truncated > 0) ++local.truncated;
    out.push_back(std::move(e));
  }
  if (stats != nullptr) *stats = local;
  return out;
}

}  // namespace rlab::data
