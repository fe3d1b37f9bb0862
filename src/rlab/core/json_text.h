// Parsing JSON text read from files, with errors that say where: the file (and line, for JSON
// Lines), the column or byte, and for a number too large for a double (1e400) the field that
// holds it. Every failure is an rlab::Error; no nlohmann exception leaves these functions.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace rlab {

// One line of a JSON Lines file; `where` is "file:line". Errors read
// "file:line: malformed JSON at column C: ..." or "file:line: field 'a.b': the number ...".
nlohmann::json ParseJsonLine(std::string_view line, std::string_view where);

// A whole JSON document; `where` is the file. Errors read "file: not valid JSON (byte B): ..."
// or "file: field 'a.b': the number ...".
nlohmann::json ParseJsonDocument(std::string_view text, std::string_view where);

}  // namespace rlab
