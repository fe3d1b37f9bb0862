#include "rlab/serve/reward_requests.h"

#include <nlohmann/json.hpp>

#include "rlab/core/check.h"

namespace rlab::serve {
namespace {

nlohmann::json ParseBody(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  RLAB_CHECK(!json.is_discarded(), "the request body is not valid JSON");
  RLAB_CHECK(json.is_object(), "the request body must be a JSON object, not {}", json.type_name());
  return json;
}

// The non-empty list of strings at `field`.
std::vector<std::string> Texts(const nlohmann::json& body, const char* field) {
  RLAB_CHECK(body.contains(field), "missing field '{}' (a list of texts)", field);
  const nlohmann::json& list = body.at(field);
  RLAB_CHECK(list.is_array(), "field '{}' must be a list of texts, not {}", field,
             list.type_name());
  RLAB_CHECK(!list.empty(), "field '{}' is an empty list; send at least one text", field);
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < list.size(); ++i) {
    RLAB_CHECK(list[i].is_string(), "field '{}[{}]' must be a text, not {}", field, i,
               list[i].type_name());
    texts.push_back(list[i].get<std::string>());
  }
  return texts;
}

std::string Text(const nlohmann::json& object, const char* field, const std::string& where) {
  RLAB_CHECK(object.contains(field), "missing field '{}{}' (a text)", where, field);
  RLAB_CHECK(object.at(field).is_string(), "field '{}{}' must be a text, not {}", where, field,
             object.at(field).type_name());
  return object.at(field).get<std::string>();
}

}  // namespace

std::vector<ScoreItem> ParseGetRewardRequest(const std::string& body) {
  const nlohmann::json json = ParseBody(body);
  const std::vector<std::string> queries = Texts(json, "query");
  if (json.contains("prompts") && !json.at("prompts").is_null()) {
    RLAB_CHECK(Texts(json, "prompts").size() == queries.size(),
               "field 'prompts' has {} texts for {} queries; send one per query or none",
               json.at("prompts").size(), queries.size());
  }
  if (json.contains("labels") && !json.at("labels").is_null()) {
    RLAB_CHECK(json.at("labels").is_array() && json.at("labels").size() == queries.size(),
               "field 'labels' must be a list with one entry per query ({})", queries.size());
  }
  std::vector<ScoreItem> items;
  for (const std::string& query : queries) items.push_back({"", query});
  return items;
}

std::vector<ScoreItem> ParseScoreRequest(const std::string& body) {
  const nlohmann::json json = ParseBody(body);
  std::vector<ScoreItem> items;
  if (json.contains("pairs")) {
    RLAB_CHECK(!json.contains("prompt") && !json.contains("completions"),
               "send either 'pairs' or 'prompt' with 'completions', not both");
    const nlohmann::json& pairs = json.at("pairs");
    RLAB_CHECK(pairs.is_array(),
               "field 'pairs' must be a list of {{\"prompt\", \"completion\"}}, "
               "not {}",
               pairs.type_name());
    RLAB_CHECK(!pairs.empty(), "field 'pairs' is an empty list; send at least one pair");
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const std::string where = fmt::format("pairs[{}].", i);
      RLAB_CHECK(pairs[i].is_object(),
                 "field 'pairs[{}]' must be an object with prompt and "
                 "completion, not {}",
                 i, pairs[i].type_name());
      items.push_back({Text(pairs[i], "prompt", where), Text(pairs[i], "completion", where)});
    }
    return items;
  }
  RLAB_CHECK(json.contains("prompt"),
             "send {{\"prompt\": text, \"completions\": [text, ...]}} or "
             "{{\"pairs\": [{{\"prompt\": text, \"completion\": text}}, ...]}}");
  const std::string prompt = Text(json, "prompt", "");
  for (std::string& completion : Texts(json, "completions")) {
    items.push_back({prompt, std::move(completion)});
  }
  return items;
}

}  // namespace rlab::serve
