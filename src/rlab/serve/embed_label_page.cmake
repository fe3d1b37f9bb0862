# Writes OUTPUT, a C++ file defining rlab::serve::LabelPageHtml() as the bytes of INPUT (the
# labelling page) in a raw string literal. Run as `cmake -DINPUT=... -DOUTPUT=... -P` by the
# build, so that an edit to the page rebuilds the binary.
set(delimiter "rlab_label_page")
file(READ "${INPUT}" page)
string(FIND "${page}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains ')${delimiter}\"', which ends the raw string literal "
                      "it is embedded in; change the delimiter in ${CMAKE_CURRENT_LIST_FILE}")
endif()
file(WRITE "${OUTPUT}.tmp" "\
// Generated from ${INPUT} by ${CMAKE_CURRENT_LIST_FILE}; edit the page, not this file.
#include \"rlab/serve/label_page.h\"

namespace rlab::serve {

std::string_view LabelPageHtml() {
  static constexpr std::string_view kPage = R\"${delimiter}(${page})${delimiter}\";
  return kPage;
}

}  // namespace rlab::serve
")
# Replaces OUTPUT only when it changes, so that rerunning the step recompiles nothing.
configure_file("${OUTPUT}.tmp" "${OUTPUT}" COPYONLY)
file(REMOVE "${OUTPUT}.tmp")
