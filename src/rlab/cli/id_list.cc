#include "rlab/cli/id_list.h"

#include <algorithm>
#include <sstream>

#include "rlab/core/check.h"
#include "rlab/core/value_parse.h"

namespace rlab::cli {

std::vector<int64_t> ParseIdList(std::string_view text, std::string_view what) {
  const bool comma_separated = text.find(',') != std::string_view::npos;
  std::vector<int64_t> ids;
  int item = 0;
  for (size_t start = 0; start <= text.size(); ++item) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::istringstream words{std::string(text.substr(start, comma - start))};
    const size_t before = ids.size();
    for (std::string word; words >> word;) {
      ids.push_back(ParseInt(word, std::string(what) + " '" + word + "'"));
    }
    RLAB_CHECK(!comma_separated || ids.size() > before,
               "{}s '{}': item {} is empty; write the ids as 1,2,3 or \"1 2 3\"", what, text,
               item + 1);
    start = comma + 1;
  }
  return ids;
}

}  // namespace rlab::cli
