// rlab serve-rm: a text reward model (or an ensemble of them) behind HTTP, as `rlab score`
// loads it (reward/model/text_reward_model.h). Process reward models do not exist in the
// engine yet, so the server scores whole sequences only.
//   POST /get_reward  OpenRLHF's serve_rm interface: {"query": [...]} -> {"rewards": [...]}
//   POST /v1/score    prompt and completions, or pairs -> {"rewards": [...]}; an ensemble's
//                     answer also has "members" (K lists, one per member, of N rewards),
//                     "lower" and "upper" (the least and greatest member reward of each item)
//                     and "aggregate" (how "rewards" combines the members: --aggregate)
//   GET  /health      {"status": "ok", "model": ..., "members": K}
//   GET  /metrics     Prometheus text (server_metrics.h)
// Items of concurrent requests are scored together (dynamic_batcher.h); a full queue answers
// 429, a request not scored within the time limit 504, a request during shutdown 503, a body
// that does not parse or has the wrong fields 400, a body over the limit 413.
#pragma once

#include <cstdint>
#include <string>

#include "rlab/serve/dynamic_batcher.h"
#include "rlab/serve/http_server_options.h"

namespace rlab::serve {

struct RewardServerOptions {
  std::string model;  // a reward-model or ensemble directory
  std::string aggregate =
      "mean";              // ensemble aggregation spec (reward/signal/ensemble_aggregation.h)
  int64_t max_length = 0;  // tokens per item; 0: rlab score's default
  DynamicBatcherOptions batching;
  double timeout_s = 30;  // per request, from its arrival to its answer
  HttpServerOptions http;
};

// Loads the model and serves it until SIGTERM/SIGINT (http_server_options.h).
void ServeRewardModel(const RewardServerOptions& options);

}  // namespace rlab::serve
