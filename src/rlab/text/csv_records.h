// CSV files (RFC 4180) as records: the first row names the columns, every later row is one
// record, a JSON object mapping each column name to the row's text in that column. Fields may
// be quoted ("..."), and a quoted field may hold commas, line breaks and doubled quotes ("").
// Rows end with LF or CRLF. Errors name the file, the line and the column (1-based, in bytes)
// where the text stops making sense: an unterminated quote, a quote inside an unquoted field,
// text after a closing quote, a row with more or fewer fields than the header.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace rlab::data {

// Calls `fn(record, where)` for every data row of the CSV text; `where` is "file:line" of the
// row's first line. `file` names the text in messages. A text with a header and no rows is an
// error, as is an empty or duplicated column name.
void ForEachCsvRecord(std::string_view text, const std::string& file,
                      const std::function<void(const nlohmann::json&, const std::string&)>& fn);

// ForEachCsvRecord on the contents of `path`.
void ForEachCsvFileRecord(const std::filesystem::path& path,
                          const std::function<void(const nlohmann::json&, const std::string&)>& fn);

}  // namespace rlab::data
