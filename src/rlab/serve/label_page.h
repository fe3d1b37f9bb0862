// The labelling page (label_page.html): one self-contained HTML file, inline CSS and JS, that a
// person uses to judge the queued comparisons through the labelling API (label_server.h). It is
// compiled into the binary (embed_label_page.cmake turns the .html into a .cc at build time), so
// `rlab label` serves it with no file beside the binary.
#pragma once

#include <string_view>

namespace rlab::serve {

// The page's HTML, byte for byte as in src/rlab/serve/label_page.html.
std::string_view LabelPageHtml();

}  // namespace rlab::serve
