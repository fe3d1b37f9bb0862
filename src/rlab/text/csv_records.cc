#include "rlab/text/csv_records.h"

#include <fmt/format.h>

#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/text/invalid_utf8.h"

namespace rlab::data {

namespace {

// One row of fields, and the line it started on.
struct CsvRow {
  std::vector<std::string> fields;
  int64_t line = 0;
};

// Reads the rows of a CSV text one at a time, tracking line and column for messages.
class CsvScanner {
 public:
  CsvScanner(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  // The next row into `row`; false at the end of the text. A trailing line break does not
  // start another row.
  bool Next(CsvRow& row) {
    if (pos_ >= text_.size()) return false;
    row.fields.clear();
    row.line = line_;
    while (true) {
      row.fields.push_back(Field());
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_];
      if (c == ',') {
        Advance();
        continue;
      }
      EndOfLine();
      return true;
    }
  }

 private:
  std::string Where() const { return fmt::format("{}:{}:{}", file_, line_, column_); }

  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }

  // At a line break (LF or CRLF): consumes it.
  void EndOfLine() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') Advance();
    RLAB_CHECK(text_[pos_] == '\n',
               "{}: unexpected character after a field; expected ',' or a "
               "line break",
               Where());
    Advance();
  }

  bool AtFieldEnd() const {
    if (pos_ >= text_.size()) return true;
    const char c = text_[pos_];
    return c == ',' || c == '\n' ||
           (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n');
  }

  std::string Field() {
    std::string out;
    if (pos_ < text_.size() && text_[pos_] == '"') return QuotedField();
    while (!AtFieldEnd()) {
      RLAB_CHECK(text_[pos_] != '"',
                 "{}: a quote inside an unquoted field; quote the whole field (\"...\") and "
                 "double the quotes inside it (\"\")",
                 Where());
      out += text_[pos_];
      Advance();
    }
    return out;
  }

  std::string QuotedField() {
    const std::string opened = Where();
    Advance();  // the opening quote
    std::string out;
    while (true) {
      RLAB_CHECK(pos_ < text_.size(),
                 "{}: the quoted field that starts here is never closed; end it with '\"' (and "
                 "double any quote inside it)",
                 opened);
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          out += '"';
          Advance();
          Advance();
          continue;
        }
        Advance();  // the closing quote
        RLAB_CHECK(AtFieldEnd(),
                   "{}: text after the closing quote of a field; a quote inside a quoted field "
                   "is written twice (\"\")",
                   Where());
        return out;
      }
      out += c;
      Advance();
    }
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t column_ = 1;
};

}  // namespace

void ForEachCsvRecord(std::string_view text, const std::string& file,
                      const std::function<void(const nlohmann::json&, const std::string&)>& fn) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark
  CsvScanner scanner(text, file);
  CsvRow header;
  RLAB_CHECK(scanner.Next(header), "{}: empty CSV file; the first row names the columns", file);
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i];
    RLAB_CHECK(!FirstInvalidUtf8(name), "{}:{}: column {} of the header is not valid UTF-8", file,
               header.line, i + 1);
    RLAB_CHECK(!name.empty(), "{}:{}: column {} of the header has no name", file, header.line,
               i + 1);
    for (std::size_t j = 0; j < i; ++j) {
      RLAB_CHECK(header.fields[j] != name, "{}:{}: column name '{}' appears twice in the header",
                 file, header.line, name);
    }
  }
  CsvRow row;
  int64_t records = 0;
  while (scanner.Next(row)) {
    const std::string where = fmt::format("{}:{}", file, row.line);
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;  // a blank line
    RLAB_CHECK(row.fields.size() == header.fields.size(),
               "{}: {} fields, but the header names {} columns; quote fields that hold commas",
               where, row.fields.size(), header.fields.size());
    nlohmann::json record = nlohmann::json::object();
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      const std::optional<std::size_t> bad = FirstInvalidUtf8(row.fields[i]);
      RLAB_CHECK(!bad, "{}: field '{}' is not valid UTF-8 (byte 0x{:02x} at offset {})", where,
                 header.fields[i], static_cast<unsigned char>(row.fields[i][*bad]), *bad);
      record[header.fields[i]] = std::move(row.fields[i]);
    }
    fn(record, where);
    ++records;
  }
  RLAB_CHECK(records > 0, "{}: holds a header and no records", file);
}

void ForEachCsvFileRecord(
    const std::filesystem::path& path,
    const std::function<void(const nlohmann::json&, const std::string&)>& fn) {
  ForEachCsvRecord(ReadFile(path), path.string(), fn);
}

}  // namespace rlab::data
