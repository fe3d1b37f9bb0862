#include "rlab/report/samples_section.h"

#include <fmt/format.h>

#include <map>

#include "rlab/report/escape.h"
#include "rlab/report/flatten.h"
#include "rlab/report/run_table.h"
#include "rlab/report/scale.h"

namespace rlab::report {

namespace {

std::string Field(const nlohmann::json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end()) return "";
  return it->is_null() ? "null" : LeafText(*it);
}

// The rows of one evaluation as a table; the reward and gold columns only where a row has them.
std::string SampleTable(const std::vector<const nlohmann::json*>& rows) {
  std::vector<const char*> columns = {"prompt", "completion"};
  for (const char* optional : {"reward", "gold"}) {
    for (const nlohmann::json* row : rows) {
      if (row->contains(optional)) {
        columns.push_back(optional);
        break;
      }
    }
  }
  std::string html = "<table class=\"samples\">\n<tr>";
  for (const char* column : columns) html += fmt::format("<th>{}</th>", column);
  html += "</tr>\n";
  for (const nlohmann::json* row : rows) {
    html += "<tr>";
    for (size_t c = 0; c < columns.size(); ++c) {
      html += fmt::format("<td class=\"{}\">{}</td>", c < 2 ? "text" : "num",
                          Escape(Field(*row, columns[c])));
    }
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace

Section SamplesSection(const std::vector<RunData>& runs) {
  Section section{"", "", {}, "", "samples"};
  for (const RunData& run : runs) {
    if (run.samples.empty()) continue;
    section.title = "Sample completions";
    section.intro = "A few held-out prompts and what the model wrote at each evaluation "
                    "(samples.jsonl), with the reward it was trained on and the task's gold "
                    "reward where the run has them.";
    std::map<double, std::vector<const nlohmann::json*>> by_step;  // newest last
    for (const nlohmann::json& row : run.samples) {
      const auto step = row.find("step");
      by_step[step != row.end() && step->is_number() ? step->get<double>() : -1].push_back(&row);
    }
    section.html += fmt::format("<h3>{}</h3>\n", RunLabel(run));
    for (auto it = by_step.rbegin(); it != by_step.rend(); ++it) {
      section.html += fmt::format(
          "<details class=\"samples\"{}><summary>step {} ({} sample{})</summary>\n{}</details>\n",
          it == by_step.rbegin() ? " open" : "", Escape(FormatNumber(it->first)), it->second.size(),
          it->second.size() == 1 ? "" : "s", SampleTable(it->second));
    }
  }
  return section;
}

}  // namespace rlab::report
