#include "rlab/text/preference_duplicates.h"

#include <string>
#include <unordered_map>

namespace rlab::data {

namespace {

using IndexPairs = std::vector<std::pair<std::size_t, std::size_t>>;

void AppendField(std::string& key, const std::string& text) {
  // Length-prefixed, so no choice of texts can make two different records collide.
  key += std::to_string(text.size());
  key += ':';
  key += text;
}

std::string Key(const PreferenceRecord& r, bool swapped) {
  std::string key;
  AppendField(key, r.prompt);
  if (swapped) {
    for (auto it = r.responses.rbegin(); it != r.responses.rend(); ++it) AppendField(key, *it);
  } else {
    for (const std::string& response : r.responses) AppendField(key, response);
  }
  return key;
}

// One pass over the records: `duplicates` and `contradictions` get the pairs of each kind.
void Scan(const std::vector<PreferenceRecord>& records, IndexPairs* duplicates,
          IndexPairs* contradictions) {
  std::unordered_map<std::string, std::size_t> first;  // key in the record's order -> index
  for (std::size_t j = 0; j < records.size(); ++j) {
    const PreferenceRecord& r = records[j];
    std::string key = Key(r, false);
    if (auto it = first.find(key); it != first.end()) {
      if (duplicates) duplicates->push_back({it->second, j});
      continue;
    }
    if (r.is_pair()) {
      if (auto it = first.find(Key(r, true)); it != first.end()) {
        const bool either_tie = r.tie || records[it->second].tie;
        IndexPairs* out = either_tie ? duplicates : contradictions;
        if (out) out->push_back({it->second, j});
        // A tie repeated in swapped order is the earlier record again: keep that one as the
        // group's first. A contradiction starts a group of its own order.
        if (either_tie) continue;
      }
    }
    first.emplace(std::move(key), j);
  }
}

}  // namespace

IndexPairs FindDuplicatePreferences(const std::vector<PreferenceRecord>& records) {
  IndexPairs out;
  Scan(records, &out, nullptr);
  return out;
}

IndexPairs FindContradictoryPreferences(const std::vector<PreferenceRecord>& records) {
  IndexPairs out;
  Scan(records, nullptr, &out);
  return out;
}

}  // namespace rlab::data
