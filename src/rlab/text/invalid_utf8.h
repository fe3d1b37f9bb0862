// Finding ill-formed UTF-8 in record files, so that the error can name the field.
//
// nlohmann::json refuses a document with an ill-formed UTF-8 byte inside a string (and a lone
// surrogate written as \udcff), so every string a reader gets from the parser is valid UTF-8;
// but its message gives only a column. When a parse fails, these functions look at the raw
// text again: which byte is ill-formed, and which string of the record holds it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rlab::data {

// Offset of the first byte of `text` that is not part of well-formed UTF-8 (as
// models::DecodeUtf8 judges it: overlong forms, surrogates and values past U+10FFFF are
// ill-formed), or nullopt when all of it is well-formed. Memory stays bounded for large texts.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text);

struct InvalidUtf8Location {
  unsigned char byte = 0;
  std::size_t line = 1, column = 1;  // of the byte in the raw text, 1-based
  // The element of a top-level array that holds the byte (a .json file of records).
  std::optional<std::size_t> record;
  // The string holding the byte, as a path within the record: "chosen", "prompt[1].content";
  // nullopt when the byte is outside every string (or the text is not JSON for other reasons).
  std::optional<std::string> field;
  std::size_t field_offset = 0;  // byte offset within that string
  bool in_key = false;           // the byte is in a key of the object `field` names
};

// Where the first ill-formed byte of the JSON text `json_text` sits; nullopt when the text is
// well-formed UTF-8 (the parser rejected it for another reason).
std::optional<InvalidUtf8Location> LocateInvalidUtf8(std::string_view json_text);

// "field 'chosen' is not valid UTF-8 (byte 0xff at offset 12)"; without a field, "byte 0xff at
// line 3, column 40 is not valid UTF-8" (the line left out when `with_line` is false).
std::string DescribeInvalidUtf8(const InvalidUtf8Location& where, bool with_line);

}  // namespace rlab::data
