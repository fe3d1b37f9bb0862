#include "rlab/cli/id_list.h"

#include <sstream>

#include "rlab/core/value_parse.h"

namespace rlab::cli {

std::vector<int64_t> ParseIdList(std::string_view text, std::string_view what) {
  std::string spaced(text);
  for (char& c : spaced) c = c == ',' ? ' ' : c;
  std::istringstream in(spaced);
  std::vector<int64_t> ids;
  for (std::string word; in >> word;) {
    ids.push_back(ParseInt(word, std::string(what) + " '" + word + "'"));
  }
  return ids;
}

}  // namespace rlab::cli
