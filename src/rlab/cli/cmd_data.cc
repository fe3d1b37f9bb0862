// rlab data inspect FILE [--tokenizer byte|gpt2|DIR] [--chat-template NAME] [--max-length N]
//                        [--json]
//   counts, lengths and duplicates of a preference file in TRL's layout
// rlab data convert IN OUT --from FORMAT [--tie-policy keep|drop] [--seed S]
//                   [--prompt COLUMN --chosen COLUMN --rejected COLUMN --subset COLUMN]
//   rewrite preference data from another layout (JSON Lines, a .json array or CSV) as TRL's,
//   one JSON object per line; the column flags name the columns of `--from columns`
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "rlab/cli/commands.h"
#include "rlab/cli/error_report.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/core/registry.h"
#include "rlab/text/preference_convert.h"
#include "rlab/text/preference_dataset.h"
#include "rlab/text/preference_stats.h"
#include "rlab/text/tokenizer/chat_template.h"
#include "rlab/text/tokenizer/named_tokenizer.h"

namespace rlab::cli {

namespace {

constexpr std::size_t kExamples = 5;  // duplicate locations shown

struct InspectArgs {
  std::string file;
  std::string tokenizer = "byte";
  std::string chat_template = "auto";
  int64_t max_length = 512;
  bool json = false;
};

struct ConvertArgs {
  std::string in, out, from;
  std::string tie_policy = "keep";
  uint64_t seed = 0;
  CLI::Option* seed_option = nullptr;
  // The column flags, in the order of the columns format's keys; set ones become its spec.
  std::vector<std::pair<std::string, std::string>> columns = {
      {"prompt", ""}, {"chosen", ""}, {"rejected", ""}, {"subset", ""}};
  std::vector<CLI::Option*> column_options;
};

// A spec value in quotes, so that a column name may hold commas, spaces or parentheses.
std::string Quoted(const std::string& value, const std::string& flag) {
  const char quote = value.find('"') == std::string::npos ? '"' : '\'';
  if (value.find(quote) != std::string::npos) {
    throw UsageError(
        fmt::format("--{} '{}': a column name cannot hold both kinds of quote", flag, value));
  }
  return fmt::format("{}{}{}", quote, value, quote);
}

// --from with the column flags folded in: "columns(chosen=\"good\", ...)".
std::string FormatSpec(const ConvertArgs& a) {
  std::string keys;
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    if (a.column_options[i]->count() == 0) continue;
    const auto& [key, column] = a.columns[i];
    keys += fmt::format("{}{}={}", keys.empty() ? "" : ", ", key, Quoted(column, key));
  }
  if (keys.empty()) return a.from;
  if (a.from != "columns") {
    throw UsageError(fmt::format(
        "--prompt, --chosen, --rejected and --subset name the columns of --from columns; "
        "--from {} has its own fields",
        a.from));
  }
  return fmt::format("columns({})", keys);
}

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

std::string LengthRow(const char* name, const data::LengthStats& s) {
  return fmt::format("  {:<18} {:>8} {:>10.1f} {:>8}\n", name, s.min, s.mean(), s.max);
}

// "duplicates: 3", then the first few as "LATER <verb> FIRST".
std::string PairList(const char* name, const char* verb,
                     const std::vector<std::pair<std::size_t, std::size_t>>& pairs,
                     const std::vector<data::PreferenceRecord>& records) {
  std::string out = fmt::format("{}: {}\n", name, pairs.size());
  for (std::size_t i = 0; i < std::min(kExamples, pairs.size()); ++i) {
    out += fmt::format("  {} {} {}\n", records[pairs[i].second].where, verb,
                       records[pairs[i].first].where);
  }
  if (pairs.size() > kExamples) out += fmt::format("  ... and {} more\n", pairs.size() - kExamples);
  return out;
}

void Inspect(const InspectArgs& a) {
  const auto tokenizer = models::OpenTokenizer(a.tokenizer);
  const std::string chat =
      a.chat_template == "auto" ? models::GuessChatTemplate(*tokenizer) : a.chat_template;
  const auto records = data::ReadPreferenceRecords(a.file, *models::MakeChatTemplate(chat));
  const data::PreferenceStats s = data::ComputePreferenceStats(records, *tokenizer, a.max_length);
  if (a.json) {
    nlohmann::ordered_json j;
    j["file"] = a.file;
    j["tokenizer"] = a.tokenizer;
    j["chat_template"] = chat;
    j.update(data::PreferenceStatsJson(s, records, kExamples));
    Print(j.dump() + "\n");
    return;
  }
  std::string out = fmt::format("file: {}\n", a.file);
  out += fmt::format(
      "records: {} (pairs: {}, rankings: {}, best-of-N: {}), ties: {}, with margin: {}, with "
      "scores: {}\n",
      s.records, s.pairs, s.rankings, s.best_of_n, s.ties, s.with_margin, s.with_scores);
  if (!s.ranking_sizes.empty()) {
    std::string sizes;
    for (const auto& [k, n] : s.ranking_sizes) sizes += fmt::format(" k={}: {}", k, n);
    out += fmt::format("rankings by size:{}\n", sizes);
  }
  out += fmt::format("lengths (tokenizer {}, chat template {}):\n", a.tokenizer, chat);
  out += fmt::format("  {:<18} {:>8} {:>10} {:>8}\n", "", "min", "mean", "max");
  out += LengthRow("prompt chars", s.prompt_chars);
  out += LengthRow("response chars", s.response_chars);
  out += LengthRow("prompt tokens", s.prompt_tokens);
  out += LengthRow("response tokens", s.response_tokens);
  out += LengthRow("sequence tokens", s.sequence_tokens);
  out += fmt::format("sequences (BOS + prompt + response) over --max-length {}: {} of {}\n",
                     s.max_length, s.over_max_length, s.sequence_tokens.count);
  out += PairList("duplicates", "repeats", s.duplicates, records);
  out += PairList("contradictory duplicates", "contradicts", s.contradictory, records);
  Print(out);
}

void Convert(const ConvertArgs& a) {
  data::ConvertOptions options;
  options.from = FormatSpec(a);
  options.ties = data::ParseTiePolicy(a.tie_policy);
  if (a.seed_option->count() > 0) options.seed = a.seed;
  const data::ConvertReport r = data::ConvertPreferenceFile(a.in, a.out, options);
  std::string out = fmt::format("{}: read {} records ({})\n", a.in, r.read, a.from);
  const std::string order = options.seed ? fmt::format(" (shuffled, seed {})", a.seed) : "";
  out += fmt::format("{}: wrote {} records, {} of them ties{}\n", a.out, r.written, r.written_ties,
                     order);
  out +=
      fmt::format("ties in the input: {} (dropped by --tie-policy: {})\n", r.ties, r.dropped_ties);
  if (r.multi_label > 0) {
    out += fmt::format(
        "annotator agreement on the {} records with several labels: {} unanimous, {} split "
        "decisions ({} without a majority)\n",
        r.multi_label, r.unanimous, r.split, r.no_majority);
  }
  if (r.coerced > 0) {
    out += fmt::format("responses that were not strings, written as text: {} records\n", r.coerced);
    for (const std::string& what : r.coerced_where) out += "  " + what + "\n";
  }
  if (r.skipped_empty + r.skipped_identical > 0) {
    out += fmt::format("skipped: {} with an empty response, {} with two identical responses\n",
                       r.skipped_empty, r.skipped_identical);
    for (const std::string& why : r.skipped_where) out += "  " + why + "\n";
  }
  Print(out);
}

}  // namespace

void AddDataCommand(CLI::App& app) {
  CLI::App* data_cmd = app.add_subcommand("data", "inspect and convert preference datasets");
  data_cmd->require_subcommand(1);

  auto in = std::make_shared<InspectArgs>();
  CLI::App* inspect = data_cmd->add_subcommand(
      "inspect", "counts, lengths and duplicates of a preference file (JSONL or a JSON array)");
  inspect->add_option("file", in->file, "preference file in TRL's layout")->required();
  inspect->add_option("--tokenizer", in->tokenizer, "byte, gpt2, or a tokenizer directory/file")
      ->capture_default_str();
  inspect
      ->add_option("--chat-template", in->chat_template,
                   "chatml, llama3, plain, or auto (the tokenizer's)")
      ->capture_default_str();
  inspect
      ->add_option("--max-length", in->max_length,
                   "count the prompt + response sequences longer than this many tokens")
      ->check(NonNegative())
      ->capture_default_str();
  inspect->add_flag("--json", in->json, "print the figures as one JSON object");
  inspect->callback([in] { Inspect(*in); });

  auto cv = std::make_shared<ConvertArgs>();
  data::RegisterPreferenceFormats();
  CLI::App* convert = data_cmd->add_subcommand(
      "convert", "rewrite preference data as TRL's prompt/chosen/rejected JSON Lines");
  convert
      ->add_option("in", cv->in,
                   "input file: JSON Lines, a .json array, or a .csv file whose first row names "
                   "the columns")
      ->required();
  convert->add_option("out", cv->out, "output file (JSON Lines), replaced atomically")->required();
  convert
      ->add_option("--from", cv->from,
                   "input layout (described below): " + JoinNames(data::PreferenceFormats().List()))
      ->required();
  const char* column_help[] = {
      "with --from columns: the prompt's column, or '' for none (its default is listed below)",
      "with --from columns: the preferred response's column",
      "with --from columns: the other response's column",
      "with --from columns: a column to write as \"subset\" (for per-subset accuracy)"};
  for (std::size_t i = 0; i < cv->columns.size(); ++i) {
    auto& [key, column] = cv->columns[i];
    cv->column_options.push_back(convert->add_option("--" + key, column, column_help[i]));
  }
  convert->footer("Input layouts (--from):\n" + data::PreferenceFormats().Help() +
                  "Example: rlab data convert pairs.csv pairs.jsonl --from columns --prompt "
                  "question --chosen good --rejected bad --subset category");
  convert
      ->add_option("--tie-policy", cv->tie_policy, "keep (write ties with \"tie\": true) or drop")
      ->capture_default_str();
  cv->seed_option = convert
                        ->add_option("--seed", cv->seed,
                                     "shuffle the written records with this seed; "
                                     "when not given, keep the input's order")
                        ->check(NonNegative())
                        ->default_str("");
  convert->callback([cv] { Convert(*cv); });
}

}  // namespace rlab::cli
