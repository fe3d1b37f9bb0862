#include "rlab/serve/label_server.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

#include "rlab/feedback/label_agreement.h"
#include "rlab/serve/label_page.h"

namespace rlab::serve {
namespace {

constexpr size_t kMaxLabellerLength = 200;

nlohmann::json CountsJson(const feedback::QueueCounts& counts) {
  return {{"comparisons", counts.comparisons},
          {"labelled", counts.labelled},
          {"labels", counts.labels}};
}

// What the page is sent: the payload without what would tell the person the expected answer.
nlohmann::json ComparisonJson(const feedback::Comparison& c) {
  nlohmann::json payload = c.payload;
  payload.erase("source_chosen");
  return {{"id", c.id}, {"kind", c.kind}, {"payload", payload}, {"source", c.source}};
}

// The string field `name` of the request body; "" (after an error reply) when it is bad.
bool StringField(const nlohmann::json& body, const char* name, std::string& out,
                 httplib::Response& response) {
  if (!body.contains(name) || !body[name].is_string() || body[name].get<std::string>().empty()) {
    ReplyError(response, 400, fmt::format("field '{}' must be a non-empty string", name));
    return false;
  }
  out = body[name].get<std::string>();
  return true;
}

void Next(feedback::LabelQueue& queue, const httplib::Request& request,
          httplib::Response& response) {
  const std::string labeller = request.get_param_value("labeller");
  if (labeller.empty() || labeller.size() > kMaxLabellerLength) {
    ReplyError(response, 400,
               fmt::format("give the labeller's name (1 to {} characters): /api/next?labeller=NAME",
                           kMaxLabellerLength));
    return;
  }
  const std::optional<feedback::Comparison> next = queue.NextFor(labeller);
  ReplyJson(response, 200,
            {{"comparison", next ? ComparisonJson(*next) : nlohmann::json(nullptr)},
             {"counts", CountsJson(queue.Counts())}});
}

void Label(feedback::LabelQueue& queue, const httplib::Request& request,
           httplib::Response& response) {
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::exception& e) {
    ReplyError(response, 400, fmt::format("the body is not JSON: {}", e.what()));
    return;
  }
  if (!body.is_object()) {
    ReplyError(response, 400, "the body must be an object {\"id\", \"labeller\", \"choice\"}");
    return;
  }
  std::string id, labeller, choice;
  if (!StringField(body, "id", id, response) ||
      !StringField(body, "labeller", labeller, response) ||
      !StringField(body, "choice", choice, response)) {
    return;
  }
  if (choice != "left" && choice != "right" && choice != "tie" && choice != "skip") {
    ReplyError(response, 400,
               fmt::format("field 'choice': '{}' is not one of left, right, tie, skip", choice));
    return;
  }
  if (labeller.size() > kMaxLabellerLength) {
    ReplyError(response, 400,
               fmt::format("field 'labeller': at most {} characters", kMaxLabellerLength));
    return;
  }
  if (!queue.Find(id)) {
    ReplyError(response, 400, fmt::format("field 'id': no comparison '{}' is queued", id));
    return;
  }
  // Record() returns once its transaction is committed (synchronous=FULL): only then is the
  // label acknowledged. A failure here is the database's (500, from the exception handler).
  const feedback::HumanLabel label = queue.Record(id, labeller, choice);
  ReplyJson(response, 200,
            {{"label",
              {{"seq", label.seq},
               {"comparison_id", label.comparison_id},
               {"labeller", label.labeller},
               {"choice", label.choice},
               {"time", label.time}}}});
}

}  // namespace

void SetUpLabelServer(httplib::Server& server, feedback::LabelQueue& queue,
                      const HttpServerOptions& options) {
  ConfigureHttpServer(server, options,
                      [](const std::string& path) { return path.starts_with("/api/"); });
  server.Get("/", [](const httplib::Request&, httplib::Response& response) {
    const std::string_view page = LabelPageHtml();
    response.set_content(page.data(), page.size(), "text/html; charset=utf-8");
  });
  server.Get("/health", [](const httplib::Request&, httplib::Response& response) {
    ReplyJson(response, 200, {{"status", "ok"}});
  });
  server.Get("/api/next", [&queue](const httplib::Request& request, httplib::Response& response) {
    Next(queue, request, response);
  });
  server.Post("/api/label", [&queue](const httplib::Request& request, httplib::Response& response) {
    Label(queue, request, response);
  });
  server.Get("/api/stats", [&queue](const httplib::Request&, httplib::Response& response) {
    ReplyJson(response, 200, feedback::QueueStats(queue));
  });
}

void ServeLabels(const std::filesystem::path& db, const HttpServerOptions& options) {
  feedback::LabelQueue queue(db);
  httplib::Server server;
  SetUpLabelServer(server, queue, options);
  ServeUntilSignalled(server, options, "label");
}

}  // namespace rlab::serve
