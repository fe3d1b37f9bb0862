#include "rlab/reward/signal/remote_reward.h"

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/core/spec.h"

namespace rlab::reward {

ParsedUrl ParseRewardUrl(const std::string& url) {
  ParsedUrl out;
  const std::size_t colon = url.find("://");
  RLAB_CHECK(colon != std::string::npos,
             "reward url '{}' has no scheme: write http://HOST:PORT/PATH or https://...", url);
  out.scheme = url.substr(0, colon);
  RLAB_CHECK(out.scheme == "http" || out.scheme == "https",
             "reward url '{}': scheme '{}' is not http or https", url, out.scheme);
  const std::string rest = url.substr(colon + 3);
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "" : rest.substr(slash);
  if (out.path.empty() || out.path == "/") out.path = "/get_reward";
  out.port = out.scheme == "https" ? 443 : 80;
  // host, host:port, [v6 address] or [v6 address]:port.
  std::string host = authority, port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    RLAB_CHECK(close != std::string::npos, "reward url '{}': '[' without ']'", url);
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else if (const std::size_t c = authority.rfind(':'); c != std::string::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (!port.empty() || authority.ends_with(':')) {
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    RLAB_CHECK(
        ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535,
        "reward url '{}': port '{}' is not a number from 1 to 65535", url, port);
    out.port = value;
  }
  RLAB_CHECK(!host.empty(), "reward url '{}' has no host", url);
  out.host = host;
  return out;
}

struct RemoteReward::Client {
  std::unique_ptr<httplib::Client> http;
};

RemoteReward::RemoteReward(RemoteRewardOptions options)
    : options_(std::move(options)), url_(ParseRewardUrl(options_.url)) {
  RLAB_CHECK(options_.timeout > 0, "remote reward '{}': timeout must be > 0 seconds, got {}",
             options_.url, options_.timeout);
  RLAB_CHECK(options_.retries >= 0, "remote reward '{}': retries must be >= 0, got {}",
             options_.url, options_.retries);
  RLAB_CHECK(options_.backoff >= 0, "remote reward '{}': backoff must be >= 0 seconds, got {}",
             options_.url, options_.backoff);
  const std::string host =
      url_.host.find(':') != std::string::npos ? fmt::format("[{}]", url_.host) : url_.host;
  client_ = std::make_unique<Client>();
  client_->http =
      std::make_unique<httplib::Client>(fmt::format("{}://{}:{}", url_.scheme, host, url_.port));
  const auto timeout = std::chrono::duration<double>(options_.timeout);
  client_->http->set_connection_timeout(timeout);
  client_->http->set_read_timeout(timeout);
  client_->http->set_write_timeout(timeout);
  client_->http->set_keep_alive(true);
}

std::unique_ptr<RemoteReward> RemoteReward::FromSpec(const Spec& spec) {
  const RemoteRewardOptions defaults;
  const SpecArgs args(
      spec,
      {{"url", std::nullopt, "the server's endpoint, e.g. http://127.0.0.1:5000/get_reward"},
       {"timeout", fmt::format("{}", defaults.timeout), "seconds per request"},
       {"retries", fmt::format("{}", defaults.retries),
        "further tries after a failed connection, a timeout, a 429 or a 5xx"},
       {"backoff", fmt::format("{}", defaults.backoff),
        "seconds before the first retry, doubling after each"}},
      "reward source");
  return std::make_unique<RemoteReward>(
      RemoteRewardOptions{args.Get<std::string>("url"), args.Get<double>("timeout"),
                          args.Get<int64_t>("retries"), args.Get<double>("backoff")});
}

RemoteReward::~RemoteReward() = default;

namespace {

// The rewards of an answer body, or an error naming the url.
std::vector<double> ParseRewards(const std::string& url, const std::string& body,
                                 std::size_t expected) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    // Python's json module writes a non-finite float as NaN or Infinity, which JSON lacks.
    RLAB_CHECK(body.find("NaN") == std::string::npos && body.find("Infinity") == std::string::npos,
               "remote reward '{}' answered a reward that is not a finite number: '{}'", url,
               body.substr(0, 200));
    RLAB_FAIL("remote reward '{}' answered with text that is not JSON ({}): '{}'", url, e.what(),
              body.substr(0, 200));
  }
  RLAB_CHECK(j.is_object() && j.contains("rewards") && j["rewards"].is_array(),
             "remote reward '{}' answered without a \"rewards\" list: '{}'", url,
             body.substr(0, 200));
  const nlohmann::json& rewards = j["rewards"];
  RLAB_CHECK(rewards.size() == expected,
             "remote reward '{}' answered {} rewards for {} completions", url, rewards.size(),
             expected);
  std::vector<double> out;
  out.reserve(expected);
  for (std::size_t i = 0; i < rewards.size(); ++i) {
    // A server that writes NaN as a JSON null, or as a string, is caught here too.
    RLAB_CHECK(rewards[i].is_number() && std::isfinite(rewards[i].get<double>()),
               "remote reward '{}': reward {} is {}, not a finite number", url, i,
               rewards[i].dump());
    out.push_back(rewards[i].get<double>());
  }
  return out;
}

bool Retryable(int status) { return status == 429 || status >= 500; }

// What went wrong when no answer came, in words.
std::string NoAnswer(httplib::Error error, double timeout) {
  switch (error) {
    case httplib::Error::Connection: return "could not connect";
    case httplib::Error::ConnectionTimeout:
      return fmt::format("could not connect within {} s", timeout);
    case httplib::Error::Read:
      return fmt::format("no answer within {} s, or the connection dropped", timeout);
    case httplib::Error::Write: return "the request could not be sent";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification: return "the TLS connection failed";
    default: return httplib::to_string(error);
  }
}

}  // namespace

torch::Tensor RemoteReward::Score(const std::vector<std::string>& prompts,
                                  const std::vector<std::string>& completions,
                                  const std::vector<std::optional<std::string>>& answers) const {
  RLAB_CHECK(prompts.size() == completions.size(), "remote reward: {} prompts for {} completions",
             prompts.size(), completions.size());
  nlohmann::json request;
  nlohmann::json& query = request["query"] = nlohmann::json::array();
  for (std::size_t i = 0; i < prompts.size(); ++i) query.push_back(prompts[i] + completions[i]);
  request["prompts"] = prompts;
  const bool with_labels =
      !answers.empty() &&
      std::all_of(answers.begin(), answers.end(), [](const auto& a) { return a.has_value(); });
  if (with_labels) {
    nlohmann::json& labels = request["labels"] = nlohmann::json::array();
    for (const auto& a : answers) labels.push_back(*a);
  }
  const std::string body = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  std::string last_failure;
  for (int64_t attempt = 0; attempt <= options_.retries; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(
          std::chrono::duration<double>(options_.backoff * std::ldexp(1.0, attempt - 1)));
    }
    const httplib::Result result = client_->http->Post(url_.path, body, "application/json");
    if (!result) {
      last_failure = NoAnswer(result.error(), options_.timeout);
      continue;
    }
    if (result->status == 200) {
      const std::vector<double> rewards = ParseRewards(options_.url, result->body, prompts.size());
      return torch::tensor(rewards, torch::kFloat64).to(torch::kFloat32);  // [N]
    }
    last_failure = fmt::format("HTTP {}: '{}'", result->status, result->body.substr(0, 200));
    RLAB_CHECK(Retryable(result->status), "remote reward '{}' refused the batch: {}", options_.url,
               last_failure);
  }
  RLAB_FAIL("remote reward '{}' failed after {} tries: {}; check that the server is running there "
            "(e.g. rlab serve-rm --model DIR) or raise timeout/retries",
            options_.url, options_.retries + 1, last_failure);
}

std::string RemoteReward::Describe() const { return fmt::format("remote(url={})", options_.url); }

}  // namespace rlab::reward
