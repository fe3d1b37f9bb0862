#include "rlab/text/layout_hint.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace rlab::data {

namespace {

// The file of "file:line" or "file: record i".
std::string FileOf(const std::string& where) {
  const std::size_t record = where.rfind(": record ");
  if (record != std::string::npos) return where.substr(0, record);
  const std::size_t colon = where.rfind(':');
  const bool line = colon != std::string::npos && colon + 1 < where.size() &&
                    where.find_first_not_of("0123456789", colon + 1) == std::string::npos;
  return line ? where.substr(0, colon) : where;
}

bool Has(const nlohmann::json& o, std::string_view key) { return o.contains(key); }

// Columns that commonly hold the prompt, and pairs of columns that hold two responses, the
// first usually the preferred one where the names say so.
constexpr std::array<std::string_view, 6> kPromptColumns = {"prompt", "question", "instruction",
                                                            "input",  "query",    "context"};
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kResponseColumns = {{
    {"response_a", "response_b"},
    {"response_j", "response_k"},
    {"chosen_response", "rejected_response"},
    {"good", "bad"},
    {"better", "worse"},
    {"preferred", "dispreferred"},
    {"answer_a", "answer_b"},
    {"completion_a", "completion_b"},
    {"pos", "neg"},
}};

std::string Command(const std::string& where, const std::string& from) {
  return fmt::format("`rlab data convert {} OUT.jsonl --from {}`", FileOf(where), from);
}

}  // namespace

std::string ConversionHint(const nlohmann::json& o, const std::string& where) {
  if (!o.is_object()) return "";
  if (Has(o, "conversations")) {
    return "; it looks like ShareGPT's layout: convert it first with " + Command(where, "sharegpt");
  }
  if ((Has(o, "response1") && Has(o, "response2")) || (Has(o, "output_1") && Has(o, "output_2"))) {
    return "; it looks like an annotated pair (PandaLM's or LLMBar's layout): convert it first "
           "with " +
           Command(where, "pairwise-annotated");
  }
  std::string prompt;
  for (std::string_view column : kPromptColumns) {
    if (prompt.empty() && Has(o, column)) prompt = column;
  }
  for (const auto& [first, second] : kResponseColumns) {
    if (!Has(o, first) || !Has(o, second)) continue;
    const std::string columns = prompt.empty() ? "--prompt ''" : fmt::format("--prompt {}", prompt);
    return fmt::format(
        "; its columns look like a pair under other names: convert it first with {} (when "
        "'{}' holds the preferred response; swap --chosen and --rejected otherwise)",
        Command(where, fmt::format("columns {} --chosen {} --rejected {}", columns, first, second)),
        first);
  }
  if (!prompt.empty()) {
    for (std::string_view answer : {"answer", "response", "completion", "output"}) {
      if (Has(o, answer)) {
        return fmt::format(
            "; it holds one response per prompt ('{}' and '{}'), which is data for `rlab sft` "
            "(prompt/completion), not preference pairs",
            prompt, answer);
      }
    }
  }
  return "";
}

}  // namespace rlab::data
