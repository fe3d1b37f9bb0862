#include "rlab/pipeline/lm/score_completions.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/preference_dataset.h"
#include "rlab/text/preference_tokens.h"
#include "rlab/text/record_file.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

namespace {

struct ScoreRow {
  nlohmann::json row;
  std::string prompt, completion;  // rendered text
};

ScoreRow ParseRow(const nlohmann::json& row, const std::string& where,
                  const models::ChatTemplate& chat) {
  RLAB_CHECK(row.is_object(), "{}: a row must be an object with prompt and completion", where);
  for (const char* field : {"prompt", "completion"}) {
    RLAB_CHECK(row.contains(field),
               "{}: missing field '{}'; rlab score reads TRL's prompt-completion rows: "
               "{{\"prompt\": ..., \"completion\": ...}} (text, or lists of chat messages)",
               where, field);
  }
  const nlohmann::json& prompt = row.at("prompt");
  const nlohmann::json& completion = row.at("completion");
  if (prompt.is_string() && completion.is_string()) {
    return {row, prompt.get<std::string>(), completion.get<std::string>()};
  }
  RLAB_CHECK(prompt.is_array() && completion.is_array(),
             "{}: fields 'prompt' and 'completion' must both be text (standard) or both lists "
             "of {{\"role\", \"content\"}} messages (conversational)",
             where);
  const auto prompt_messages = data::ParseChatMessages(prompt, where, "prompt");
  return {
      row, chat.Render(prompt_messages, /*add_generation_prompt=*/true),
      data::RenderReply(prompt_messages, data::ParseChatMessages(completion, where, "completion"),
                        chat, where, "completion")};
}

// Whether BOS + prompt + completion + EOS is longer than max_length, by the same tokenizing
// that scores it.
bool LongerThan(const ScoreRow& row, const models::Tokenizer& tokenizer, int64_t max_length) {
  data::PreferenceRecord record;
  record.prompt = row.prompt;
  record.responses = {row.completion};
  data::PreferenceTokenizeStats stats;
  data::TokenizePreferences({record}, tokenizer, max_length, data::Truncation::kKeepEnd, &stats);
  return stats.truncated > 0;
}

}  // namespace

fs::path DefaultScoredPath(const fs::path& data) {
  return data.parent_path() / (data.stem().string() + ".scored.jsonl");
}

ScoreSummary ScoreCompletionFile(const ScoreOptions& o) {
  RLAB_CHECK(o.max_length >= 2 && o.batch_size >= 1,
             "score: max_length must be >= 2 and batch_size >= 1");
  reward::TextRewardModel rm = reward::LoadTextRewardModel(o.model);
  spdlog::info("score: {}", rm.Describe());
  const auto chat =
      SourceChatTemplate(PreferenceSource{o.data, o.chat_template, {}}, rm.tokenizer());
  std::vector<ScoreRow> rows;
  data::ForEachRecord(o.data, [&](const nlohmann::json& row, const std::string& where) {
    rows.push_back(ParseRow(row, where, *chat));
  });
  std::vector<std::string> prompts, completions;
  for (const ScoreRow& r : rows) {
    prompts.push_back(r.prompt);
    completions.push_back(r.completion);
  }
  // [K, N] each member's reward of each row
  const torch::Tensor rewards =
      rm.MemberRewardsOfTexts(prompts, completions, o.max_length, o.batch_size)
          .to(torch::kFloat64)
          .contiguous();
  const auto r = rewards.accessor<double, 2>();
  ScoreSummary summary;
  summary.out = o.out.empty() ? DefaultScoredPath(o.data) : fs::path(o.out);
  std::string text;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    nlohmann::json out = rows[i].row;
    double sum = 0;
    std::vector<double> members;
    for (int64_t k = 0; k < rm.size(); ++k) {
      members.push_back(r[k][static_cast<int64_t>(i)]);
      sum += members.back();
    }
    out["score"] = sum / static_cast<double>(rm.size());
    if (rm.size() > 1) out["member_scores"] = members;
    if (LongerThan(rows[i], rm.tokenizer(), o.max_length)) {
      out["truncated"] = true;
      ++summary.truncated;
    }
    text += out.dump() + "\n";
  }
  summary.rows = static_cast<int64_t>(rows.size());
  WriteFileAtomic(summary.out, text);
  if (summary.truncated > 0) {
    spdlog::warn("score: {} of {} rows are longer than max_length {} tokens; they are scored on "
                 "their last {} tokens and marked \"truncated\": true",
                 summary.truncated, summary.rows, o.max_length, o.max_length);
  }
  return summary;
}

}  // namespace rlab::pipeline
