// The bodies the reward server accepts, parsed into the items it scores. Every problem is an
// rlab::Error whose message names the field and says what was expected (the server answers it
// with 400).
//   POST /get_reward (OpenRLHF's serve_rm):  {"query": [text, ...], "prompts": [text, ...],
//       "labels": [...]}: each query is the whole sequence (prompt and response), scored as
//       one text; prompts and labels are optional, checked for length and ignored, as OpenRLHF's
//       reward server ignores them.
//   POST /v1/score:  {"prompt": text, "completions": [text, ...]}
//               or   {"pairs": [{"prompt": text, "completion": text}, ...]}
#pragma once

#include <string>
#include <vector>

#include "rlab/serve/dynamic_batcher.h"

namespace rlab::serve {

std::vector<ScoreItem> ParseGetRewardRequest(const std::string& body);
std::vector<ScoreItem> ParseScoreRequest(const std::string& body);

}  // namespace rlab::serve
