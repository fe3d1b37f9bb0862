#include "rlab/text/preference_tokens.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::data {

Truncation ParseTruncation(std::string_view name) {
  if (name == "drop") return Truncation::kDrop;
  if (name == "keep_end") return Truncation::kKeepEnd;
  RLAB_FAIL("unknown truncation policy '{}'; valid: drop, keep_end", name);
}

int64_t PreferenceExample::Tokens() const {
  int64_t n = 0;
  for (const auto& s : sequences) n += static_cast<int64_t>(s.size());
  return n;
}

std::vector<PreferenceExample> TokenizePreferences(const std::vector<PreferenceRecord>& records,
                                                   const models::Tokenizer& tokenizer,
                                                   int64_t max_length, Truncation truncation,
                                                   PreferenceTokenizeStats* stats) {
  const int64_t specials = (tokenizer.bos_id() ? 1 : 0) + (tokenizer.eos_id() ? 1 : 0);
  RLAB_CHECK(max_length > specials, "max_length {} leaves no room for text", max_length);
  PreferenceTokenizeStats local;
  std::vector<PreferenceExample> out;
  out.reserve(records.size());
  for (const PreferenceRecord& r : records) {
    PreferenceExample e;
    bool too_long = false;
    for (const std::string& response : r.responses) {
      std::vector<int64_t> ids = tokenizer.EncodeWithBos(r.prompt + response);
      if (tokenizer.eos_id()) ids.push_back(*tokenizer.eos_id());
      local.longest = std::max<int64_t>(local.longest, static_cast<int64_t>(ids.size()));
      if (static_cast<int64_t>(ids.size()) > max_length) {
        too_long = true;
        // Keep the first token (BOS, or the text's first) and the end, where the score is read.
        ids.erase(ids.begin() + 1, ids.end() - (max_length - 1));
      }
      e.sequences.push_back(std::move(ids));
    }
    if (too_long && truncation == Truncation::kDrop) {
      ++local.dropped;
      continue;
    }
    if (too_long) ++local.truncated;
    const double nan = std::nan("");
    e.ratings.assign(r.responses.size(), nan);
    if (r.score_chosen) e.ratings[0] = *r.score_chosen;
    if (r.score_rejected && r.responses.size() == 2) e.ratings[1] = *r.score_rejected;
    e.margin = r.margin.value_or(0.0);
    e.tie = r.tie;
    e.ranking = r.ranked;
    e.subset = r.subset;
    e.where = r.where;
    out.push_back(std::move(e));
  }
  if (stats) *stats = local;
  return out;
}

}  // namespace rlab::data
