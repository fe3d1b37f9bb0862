#include "rlab/text/step_dataset.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/text/record_file.h"

namespace rlab::data {

namespace {

StepRecord ParseStepRecord(const nlohmann::json& j, const std::string& where,
                           const std::string& delimiter) {
  RLAB_CHECK(j.is_object(),
             "{}: a step record must be a JSON object with prompt, completions "
             "and labels",
             where);
  StepRecord r;
  r.where = where;
  RLAB_CHECK(j.contains("prompt") && j["prompt"].is_string(), "{}: field 'prompt' must be a string",
             where);
  r.prompt = j["prompt"].get<std::string>();
  RLAB_CHECK(j.contains("completions") && j["completions"].is_array() && !j["completions"].empty(),
             "{}: field 'completions' must be a non-empty list of steps (strings)", where);
  RLAB_CHECK(j.contains("labels") && j["labels"].is_array(),
             "{}: field 'labels' must be a list of booleans, one per step", where);
  const nlohmann::json& steps = j["completions"];
  const nlohmann::json& labels = j["labels"];
  RLAB_CHECK(labels.size() == steps.size(),
             "{}: field 'labels' has {} entries but 'completions' has {} steps; give one label "
             "per step",
             where, labels.size(), steps.size());
  for (std::size_t k = 0; k < steps.size(); ++k) {
    RLAB_CHECK(steps[k].is_string(), "{}: field 'completions[{}]' must be a string", where, k);
    const std::string step = steps[k].get<std::string>();
    RLAB_CHECK(step.find_first_not_of(" \t\r\n") != std::string::npos,
               "{}: field 'completions[{}]' is an empty step", where, k);
    RLAB_CHECK(step.find(delimiter) == std::string::npos,
               "{}: field 'completions[{}]' contains the step delimiter {}; steps are joined by "
               "it, so set another delimiter or split the step",
               where, k, nlohmann::json(delimiter).dump());
    RLAB_CHECK(labels[k].is_boolean(), "{}: field 'labels[{}]' must be true or false, got {}",
               where, k, labels[k].dump());
    r.steps.push_back(step);
    r.labels.push_back(labels[k].get<bool>());
  }
  return r;
}

}  // namespace

std::vector<StepRecord> ReadStepRecords(const std::filesystem::path& path,
                                        const std::string& delimiter) {
  RLAB_CHECK(!delimiter.empty(), "{}: the step delimiter must not be empty", path.string());
  std::vector<StepRecord> records;
  ForEachRecord(path, [&](const nlohmann::json& j, const std::string& where) {
    records.push_back(ParseStepRecord(j, where, delimiter));
  });
  return records;
}

}  // namespace rlab::data
