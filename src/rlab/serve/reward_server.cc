#include "rlab/serve/reward_server.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/pipeline/lm/score_completions.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/reward/signal/ensemble_aggregation.h"
#include "rlab/serve/reward_requests.h"
#include "rlab/serve/server_metrics.h"

namespace rlab::serve {
namespace {

constexpr const char* kGetReward = "/get_reward";
constexpr const char* kScore = "/v1/score";

// Scores a batch with the model: each item's K member rewards.
ItemScores ScoreItems(reward::TextRewardModel& model, const std::vector<ScoreItem>& items,
                      int64_t max_length) {
  std::vector<std::string> prompts, completions;
  for (const ScoreItem& item : items) {
    prompts.push_back(item.prompt);
    completions.push_back(item.completion);
  }
  const auto n = static_cast<int64_t>(items.size());
  // [K, N]
  const torch::Tensor rewards = model.MemberRewardsOfTexts(prompts, completions, max_length, n)
                                    .to(torch::kFloat64)
                                    .contiguous();
  const auto r = rewards.accessor<double, 2>();
  ItemScores scores(items.size(), std::vector<double>(static_cast<std::size_t>(model.size())));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < model.size(); ++k) scores[i][k] = r[k][i];
  }
  return scores;
}

// The answer's fields: "rewards" always; an ensemble's members and bounds with `details`.
nlohmann::json RewardsReply(const ItemScores& scores, const reward::EnsembleAggregation& aggregate,
                            bool details) {
  const auto n = static_cast<int64_t>(scores.size());
  const auto k = static_cast<int64_t>(scores.front().size());
  torch::Tensor members = torch::empty({k, n}, torch::kFloat64);  // [K, N]
  auto m = members.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < k; ++j) m[j][i] = scores[i][j];
  }
  auto list = [](const torch::Tensor& t) {  // [N] -> JSON list
    const torch::Tensor c = t.to(torch::kFloat64).contiguous();
    return nlohmann::json(
        std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel()));
  };
  nlohmann::json reply = {{"rewards", list(aggregate(members))}};
  if (details && k > 1) {
    nlohmann::json per_member = nlohmann::json::array();
    for (int64_t j = 0; j < k; ++j) per_member.push_back(list(members[j]));
    reply["members"] = std::move(per_member);
    reply["lower"] = list(members.amin(0));
    reply["upper"] = list(members.amax(0));
    reply["aggregate"] = aggregate.Describe();
  }
  return reply;
}

}  // namespace

void ServeRewardModel(const RewardServerOptions& options) {
  const int64_t max_length =
      options.max_length > 0 ? options.max_length : pipeline::ScoreOptions{}.max_length;
  reward::TextRewardModel model = reward::LoadTextRewardModel(options.model);
  const auto aggregate = reward::MakeEnsembleAggregation(options.aggregate);
  spdlog::info("serve-rm: {}; rewards are the members' {}", model.Describe(),
               aggregate->Describe());
  ServerMetrics metrics({kGetReward, kScore, "/health", "/metrics"});
  DynamicBatcher batcher(
      options.batching,
      [&](const std::vector<ScoreItem>& items) { return ScoreItems(model, items, max_length); },
      [&](int64_t batch_size) { metrics.ObserveBatch(batch_size); });
  const auto timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(options.timeout_s));

  httplib::Server server;
  ConfigureHttpServer(server, options.http,
                      [](const std::string& path) { return path != "/health"; });
  server.set_logger([&](const httplib::Request& request, const httplib::Response& response) {
    metrics.CountRequest(request.path, response.status);
  });
  using Parser = std::function<std::vector<ScoreItem>(const std::string&)>;
  auto scoring = [&](Parser parse, bool details) {
    return [&, parse, details](const httplib::Request& request, httplib::Response& response) {
      const auto start = std::chrono::steady_clock::now();
      std::vector<ScoreItem> items;
      try {
        items = parse(request.body);
      } catch (const Error& e) {
        ReplyError(response, 400, e.what());
        return;
      }
      const int64_t capacity = batcher.options().queue_capacity;
      if (static_cast<int64_t>(items.size()) > capacity) {
        ReplyError(response, 413,
                   fmt::format("the request has {} items but the queue holds {} (--queue); "
                               "split it",
                               items.size(), capacity));
        return;
      }
      DynamicBatcher::Ticket ticket;
      switch (batcher.Submit(std::move(items), ticket)) {
        case DynamicBatcher::Admission::kQueueFull:
          response.set_header("Retry-After", "1");
          ReplyError(response, 429,
                     fmt::format("the queue is full ({} items waiting of {}); retry later",
                                 batcher.queue_depth(), capacity));
          return;
        case DynamicBatcher::Admission::kStopped:
          ReplyError(response, 503, "the server is shutting down");
          return;
        case DynamicBatcher::Admission::kAccepted: break;
      }
      ItemScores scores;
      try {
        if (!ticket.WaitFor(timeout - (std::chrono::steady_clock::now() - start), scores)) {
          ReplyError(response, 504,
                     fmt::format("the request was not scored within {} s (--timeout-s)",
                                 options.timeout_s));
          return;
        }
        ReplyJson(response, 200, RewardsReply(scores, *aggregate, details));
      } catch (const std::exception& e) {
        ReplyError(response, 500, fmt::format("scoring failed: {}", e.what()));
      }
      metrics.ObserveLatency(
          request.path,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
  };
  server.Post(kGetReward, scoring(ParseGetRewardRequest, /*details=*/false));
  server.Post(kScore, scoring(ParseScoreRequest, /*details=*/true));
  server.Get("/health", [&](const httplib::Request&, httplib::Response& response) {
    ReplyJson(response, 200,
              {{"status", "ok"}, {"model", model.Describe()}, {"members", model.size()}});
  });
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics.Render(batcher.queue_depth()),
                         "text/plain; version=0.0.4; charset=utf-8");
  });
  ServeUntilSignalled(server, options.http, "serve-rm");
}

}  // namespace rlab::serve
