// Escaping text for HTML and for SVG inside it: metric names, run names and config text are
// data, never markup.
#pragma once

#include <string>
#include <string_view>

namespace rlab::report {

// Replaces & < > " ' by character references; safe in element text and in quoted attributes.
std::string Escape(std::string_view text);

}  // namespace rlab::report
