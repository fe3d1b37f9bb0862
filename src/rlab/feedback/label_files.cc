#include "rlab/feedback/label_files.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "rlab/core/check.h"
#include "rlab/core/file_digest.h"
#include "rlab/core/io.h"
#include "rlab/core/rng.h"
#include "rlab/feedback/feedback_file.h"
#include "rlab/feedback/label_agreement.h"

namespace rlab::feedback {

namespace fs = std::filesystem;

namespace {

std::string StringField(const nlohmann::json& record, const char* field, const std::string& where) {
  RLAB_CHECK(record.contains(field), "{}: missing field '{}'", where, field);
  RLAB_CHECK(record[field].is_string(), "{}: field '{}' must be a string, got {}", where, field,
             record[field].type_name());
  return record[field].get<std::string>();
}

std::string ComparisonId(const nlohmann::json& record, const std::string& where,
                         const std::string& prompt, const std::string& a, const std::string& b) {
  if (record.contains("id")) {
    const nlohmann::json& id = record["id"];
    RLAB_CHECK(id.is_string() || id.is_number_integer(),
               "{}: field 'id' must be a string or a whole number, got {}", where, id.dump());
    return id.is_string() ? id.get<std::string>() : std::to_string(id.get<int64_t>());
  }
  // Lengths first, so that no two different triples of texts give the same digest input.
  const std::string key =
      fmt::format("{}:{}:{}:{}{}{}", prompt.size(), a.size(), b.size(), prompt, a, b);
  return "text-" + Sha256Hex(key).substr(0, 16);
}

// One comparison's exported answer: the majority, who gave it and when.
struct Decision {
  std::string choice;
  Votes votes;
};

std::optional<Decision> Decide(const std::map<std::string, Votes>& votes, const std::string& id,
                               ExportReport& report) {
  const auto it = votes.find(id);
  if (it == votes.end()) {
    ++report.unlabelled;
    return std::nullopt;
  }
  const Votes& v = it->second;
  Decision d{*MajorityChoice(v), v};
  if (v.total() >= 2) {
    ++report.majority;
    if (v.left != v.total() && v.right != v.total() && v.tie != v.total()) ++report.split;
  }
  return d;
}

std::string Labellers(const Votes& v) {
  std::string out;
  for (const std::string& name : v.labellers) out += (out.empty() ? "" : "+") + name;
  return out;
}

}  // namespace

std::vector<Comparison> ReadTextPairs(const fs::path& path, uint64_t seed) {
  Rng coin(DeriveSeed(seed, "label_add_sides"));
  std::vector<Comparison> out;
  JsonlReader reader(path);
  nlohmann::json record;
  while (reader.Next(record)) {
    const std::string where = reader.Where();
    RLAB_CHECK(record.is_object(), "{}: expected a JSON object, got {}", where, record.type_name());
    const std::string prompt = StringField(record, "prompt", where);
    Comparison c;
    c.kind = "text";
    c.source = fmt::format("{}:{}", path.string(), reader.line());
    if (record.contains("chosen") || record.contains("rejected")) {
      const std::string chosen = StringField(record, "chosen", where);
      const std::string rejected = StringField(record, "rejected", where);
      const bool chosen_left = coin.Bernoulli(0.5);
      c.payload = {{"prompt", prompt},
                   {"left", chosen_left ? chosen : rejected},
                   {"right", chosen_left ? rejected : chosen},
                   {"source_chosen", chosen_left ? "left" : "right"}};
      c.id = ComparisonId(record, where, prompt, chosen, rejected);
    } else {
      RLAB_CHECK(record.contains("left") || record.contains("right"),
                 "{}: a text pair needs \"left\" and \"right\", or TRL's \"chosen\" and "
                 "\"rejected\"",
                 where);
      const std::string left = StringField(record, "left", where);
      const std::string right = StringField(record, "right", where);
      c.payload = {{"prompt", prompt}, {"left", left}, {"right", right}};
      c.id = ComparisonId(record, where, prompt, left, right);
    }
    out.push_back(std::move(c));
  }
  return out;
}

ExportReport ExportFeedback(const LabelQueue& queue, const fs::path& out) {
  ExportReport report;
  const std::map<std::string, Votes> votes = CountVotes(queue.Labels());
  const fs::path tmp = TempPathFor(out);
  fs::remove(tmp);
  {
    FeedbackWriter writer(tmp);
    for (const Comparison& c : queue.Comparisons()) {
      if (c.kind != "segments") {
        ++report.other_kind;
        continue;
      }
      const std::optional<Decision> d = Decide(votes, c.id, report);
      if (!d) continue;
      FeedbackRecord r;
      if (c.payload.contains("step") && c.payload["step"].is_number_integer()) {
        r.step = c.payload["step"].get<int64_t>();
      }
      r.first = c.payload["first_segment"].get<int64_t>();
      r.second = c.payload["second_segment"].get<int64_t>();
      r.label = d->choice == "left" ? 0.0 : d->choice == "right" ? 1.0 : 0.5;
      r.teacher = Labellers(d->votes);
      if (d->choice == "tie") ++report.ties;
      writer.Write(r);
      ++report.written;
    }
  }
  CommitTempFile(tmp, out);
  return report;
}

ExportReport ExportTrl(const LabelQueue& queue, const fs::path& out, bool keep_ties) {
  ExportReport report;
  const std::map<std::string, Votes> votes = CountVotes(queue.Labels());
  std::string text;
  for (const Comparison& c : queue.Comparisons()) {
    if (c.kind != "text") {
      ++report.other_kind;
      continue;
    }
    const std::optional<Decision> d = Decide(votes, c.id, report);
    if (!d) continue;
    const bool tie = d->choice == "tie";
    if (tie) ++report.ties;
    if (tie && !keep_ties) continue;
    const bool left_wins = d->choice != "right";
    nlohmann::ordered_json line;
    line["prompt"] = c.payload["prompt"];
    line["chosen"] = c.payload[left_wins ? "left" : "right"];
    line["rejected"] = c.payload[left_wins ? "right" : "left"];
    if (tie) line["tie"] = true;
    line["id"] = c.id;
    line["labeller"] = Labellers(d->votes);
    line["time"] = d->votes.latest_time;
    line["votes"] = {{"left", d->votes.left}, {"right", d->votes.right}, {"tie", d->votes.tie}};
    text += line.dump() + "\n";
    ++report.written;
  }
  WriteFileAtomic(out, text);
  return report;
}

}  // namespace rlab::feedback
