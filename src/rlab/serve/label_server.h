// The labelling server (`rlab label`): the page (label_page.h) at / and the labelling API over
// a label queue (feedback/label_queue.h):
//   GET  /                      the page
//   GET  /health                {"status": "ok"}
//   GET  /api/next?labeller=N   {"comparison": {"id", "kind", "payload", "source"} | null,
//                                "counts": {"comparisons", "labelled", "labels"}}
//   POST /api/label             {"id", "labeller", "choice": "left"|"right"|"tie"|"skip"}
//                               -> 200 {"label": {"seq", "comparison_id", "labeller", "choice",
//                                  "time"}}, sent only once the label is committed to disk;
//                                  400 {"error"} for a bad body, choice or id
//   GET  /api/stats             feedback/label_agreement.h's QueueStats
// With a token, every /api/ path needs `Authorization: Bearer TOKEN` (401 without); the page and
// /health do not. Texts go back verbatim in JSON: escaping them is the page's work.
#pragma once

#include <filesystem>

#include "rlab/feedback/label_queue.h"
#include "rlab/serve/http_server_options.h"

namespace rlab::serve {

// Adds the routes above over `queue` to `server` and configures it from `options`.
void SetUpLabelServer(httplib::Server& server, feedback::LabelQueue& queue,
                      const HttpServerOptions& options);

// `rlab label --db DB`: opens (or creates) the queue and serves it until SIGTERM or SIGINT.
void ServeLabels(const std::filesystem::path& db, const HttpServerOptions& options);

}  // namespace rlab::serve
