#include "rlab/pipeline/lm/training_data_fingerprints.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "rlab/core/file_digest.h"
#include "rlab/core/io.h"
#include "rlab/pipeline/lm/rm_data.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Fingerprint(std::string_view normalised) { return Sha256Hex(normalised).substr(0, 16); }

std::unordered_set<std::string> FingerprintSet(const nlohmann::json& description, const char* key) {
  std::unordered_set<std::string> set;
  if (description.contains(key)) {
    for (const auto& f : description.at(key)) set.insert(f.get<std::string>());
  }
  return set;
}

}  // namespace

std::string NormalizeForFingerprint(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : text) {
    if (IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string PromptFingerprint(std::string_view prompt) {
  return Fingerprint(NormalizeForFingerprint(prompt));
}

std::string PairFingerprint(const data::PreferenceRecord& record) {
  // The unit separator keeps ("ab", "c") and ("a", "bc") apart.
  std::string joined = NormalizeForFingerprint(record.prompt);
  for (const std::string& response : record.responses) {
    joined += '\x1f';
    joined += NormalizeForFingerprint(response);
  }
  return Fingerprint(joined);
}

nlohmann::json DescribeTrainingData(const std::string& source,
                                    const std::vector<data::PreferenceRecord>& train) {
  std::set<std::string> prompts, pairs;
  for (const auto& r : train) {
    prompts.insert(PromptFingerprint(r.prompt));
    pairs.insert(PairFingerprint(r));
  }
  nlohmann::json d;
  if (IsTaskSource(source)) {
    d["task"] = source;
  } else {
    d["data_files"][source] = FileSha256(source);
  }
  d["records"] = train.size();
  d["prompt_fingerprints"] = std::vector<std::string>(prompts.begin(), prompts.end());
  d["pair_fingerprints"] = std::vector<std::string>(pairs.begin(), pairs.end());
  return d;
}

void WriteTrainingData(const fs::path& model_dir, const nlohmann::json& description) {
  WriteFileAtomic(model_dir / kTrainingDataFile, description.dump() + "\n");
}

TrainingOverlap FindTrainingOverlap(const fs::path& model_dir, const std::string& eval_source,
                                    const std::vector<data::PreferenceRecord>& records) {
  TrainingOverlap overlap;
  const fs::path file = model_dir / kTrainingDataFile;
  if (!fs::exists(file)) return overlap;
  const nlohmann::json description = ReadJsonFile(file);
  overlap.checked = true;
  overlap.task_source = IsTaskSource(eval_source);
  if (!IsTaskSource(eval_source) && description.contains("data_files")) {
    const std::string digest = FileSha256(eval_source);
    for (const auto& [path, sha] : description.at("data_files").items()) {
      overlap.same_file = overlap.same_file || sha.get<std::string>() == digest;
    }
  }
  const auto prompts = FingerprintSet(description, "prompt_fingerprints");
  const auto pairs = FingerprintSet(description, "pair_fingerprints");
  for (const auto& r : records) {
    if (prompts.contains(PromptFingerprint(r.prompt))) {
      if (overlap.prompts++ == 0) overlap.first_where = r.where;
    }
    if (pairs.contains(PairFingerprint(r))) ++overlap.pairs;
  }
  return overlap;
}

nlohmann::json TrainingOverlap::ToJson() const {
  if (!checked) return {{"overlap_prompts", nullptr}, {"overlap_pairs", nullptr}};
  return {
      {"overlap_prompts", prompts}, {"overlap_pairs", pairs}, {"same_file_as_training", same_file}};
}

std::string TrainingOverlap::Warning(std::size_t records) const {
  if (same_file) {
    return fmt::format("THE EVALUATION FILE IS THE REWARD MODEL'S TRAINING FILE (same SHA-256): "
                       "{} of {} records were trained on; these figures measure fit, not "
                       "generalisation",
                       pairs, records);
  }
  if (pairs == 0 && (prompts == 0 || task_source)) return "";
  return fmt::format("{} of {} evaluation records have a prompt the reward model was trained on "
                     "(the first at {}), {} the whole pair; held-out figures need held-out data",
                     prompts, records, first_where, pairs);
}

}  // namespace rlab::pipeline
