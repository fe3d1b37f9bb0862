#include "rlab/core/json_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "rlab/core/check.h"

namespace rlab {

namespace {

enum class Layout { kLine, kDocument };

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 5: " or "[json.exception.out_of_range.406] " prefix.
std::string Detail(const nlohmann::json::exception& e) {
  std::string what = e.what();
  const size_t bracket = what.find("] ");
  if (bracket != std::string::npos) what.erase(0, bracket + 2);
  const size_t colon = what.find(": ");
  return what.starts_with("parse error") && colon != std::string::npos ? what.substr(colon + 2)
                                                                       : what;
}

nlohmann::json Parse(std::string_view text, std::string_view where, Layout layout) {
  // The keys leading to the value being parsed, so that a number out of range can be named by
  // its field: keys[d - 1] is the key at depth d.
  std::vector<std::string> keys;
  const nlohmann::json::parser_callback_t track =
      [&keys](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::key) {
          keys.resize(static_cast<size_t>(std::max(depth - 1, 0)));
          keys.push_back(parsed.get<std::string>());
        } else if (event == Event::object_end || event == Event::array_end) {
          keys.resize(std::min(keys.size(), static_cast<size_t>(std::max(depth, 0))));
        }
        return true;
      };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), track);
  } catch (const nlohmann::json::parse_error& e) {
    if (layout == Layout::kLine) {
      // e.byte is the 1-based column within the line.
      RLAB_FAIL("{}: malformed JSON at column {}: {}", where, e.byte, Detail(e));
    }
    RLAB_FAIL("{}: not valid JSON (byte {}): {}", where, e.byte, e.what());
  } catch (const nlohmann::json::exception& e) {
    // A number beyond the range of a double ("number overflow parsing '1e400'").
    std::string field;
    for (const std::string& key : keys) field += (field.empty() ? "" : ".") + key;
    RLAB_FAIL("{}: {}{}; write a finite number (at most about 1.8e308)", where,
              field.empty() ? "" : "field '" + field + "': ", Detail(e));
  }
}

}  // namespace

nlohmann::json ParseJsonLine(std::string_view line, std::string_view where) {
  return Parse(line, where, Layout::kLine);
}

nlohmann::json ParseJsonDocument(std::string_view text, std::string_view where) {
  return Parse(text, where, Layout::kDocument);
}

}  // namespace rlab
