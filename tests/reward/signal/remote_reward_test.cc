// The remote reward source against a reward server started in the test on 127.0.0.1: the
// request carries OpenRLHF's shape (prompt + completion as the query, the prompts beside), the
// rewards it answers are the source's, and a wrong count, a non-finite reward, a slow or absent
// server are errors naming the url; a 500 is retried.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "rlab/reward/signal/remote_reward.h"
#include "rlab/reward/signal/text_reward_source.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

// A server on a free loopback port answering POST /get_reward with `answer(request body)`.
class FakeRewardServer {
 public:
  using Answer = std::function<void(const std::string& body, httplib::Response&)>;
  explicit FakeRewardServer(Answer answer) : answer_(std::move(answer)) {
    server_.Post("/get_reward", [this](const httplib::Request& req, httplib::Response& res) {
      {
        const std::lock_guard lock(mutex_);
        bodies_.push_back(req.body);
      }
      answer_(req.body, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() only reaches a server that runs: wait for it, a bounded while.
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~FakeRewardServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/get_reward"; }
  std::vector<std::string> bodies() const {
    const std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  Answer answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
};

void AnswerJson(httplib::Response& res, const std::string& json, int status = 200) {
  res.status = status;
  res.set_content(json, "application/json");
}

using testing::ErrorOf;

RemoteReward Remote(const std::string& url, double timeout = 5, int64_t retries = 0) {
  return RemoteReward({url, timeout, retries, /*backoff=*/0.01});
}

TEST(RemoteReward, SendsPromptPlusCompletionAsQueryAndUsesTheRewards) {
  FakeRewardServer server([](const std::string& body, httplib::Response& res) {
    const auto request = nlohmann::json::parse(body);
    nlohmann::json rewards = nlohmann::json::array();
    for (const auto& q : request.at("query")) rewards.push_back(q.get<std::string>().size());
    AnswerJson(res, nlohmann::json{{"rewards", rewards}}.dump());
  });
  const TextRewardSource source({"remote(url=" + server.url() + ")"}, {2.0});
  const TextRewards r = source.Score({"1+1=", "2+3="}, {" 2", " 55"});
  EXPECT_TRUE(torch::equal(r.total, torch::tensor({12.0f, 14.0f})));  // 2 x length of the query
  ASSERT_EQ(r.parts.size(), 1u);
  EXPECT_EQ(r.parts[0].first, "remote");
  EXPECT_EQ(source.Describe(), "2 * remote(url=" + server.url() + ")");

  ASSERT_EQ(server.bodies().size(), 1u);
  const auto request = nlohmann::json::parse(server.bodies()[0]);
  EXPECT_EQ(request.at("query"), nlohmann::json({"1+1= 2", "2+3= 55"}));
  EXPECT_EQ(request.at("prompts"), nlohmann::json({"1+1=", "2+3="}));
  EXPECT_FALSE(request.contains("labels"));

  Remote(server.url()).Score({"a"}, {"b"}, {std::string("ref")});
  EXPECT_EQ(nlohmann::json::parse(server.bodies()[1]).at("labels"), nlohmann::json({"ref"}));
}

TEST(RemoteReward, WrongNumberOfRewardsIsAnErrorNamingTheUrl) {
  FakeRewardServer server(
      [](const std::string&, httplib::Response& res) { AnswerJson(res, R"({"rewards": [1.0]})"); });
  const std::string message = ErrorOf([&] { Remote(server.url()).Score({"a", "b"}, {"c", "d"}); });
  EXPECT_NE(message.find(server.url()), std::string::npos) << message;
  EXPECT_NE(message.find("1 rewards for 2 completions"), std::string::npos) << message;
}

TEST(RemoteReward, NonFiniteRewardIsAnErrorNamingTheUrlAndIndex) {
  for (const std::string answer : {R"({"rewards": [1.0, NaN]})", R"({"rewards": [1.0, null]})",
                                   R"({"rewards": [1.0, Infinity]})"}) {
    FakeRewardServer server(
        [&](const std::string&, httplib::Response& res) { AnswerJson(res, answer); });
    const std::string message = ErrorOf([&] {
      Remote(server.url()).Score({"a", "b"}, {"c", "d"});
    });
    EXPECT_NE(message.find(server.url()), std::string::npos) << message;
    EXPECT_NE(message.find("finite"), std::string::npos) << message;
  }
}

TEST(RemoteReward, ServerErrorIsRetriedUntilItAnswers) {
  std::atomic<int> calls = 0;
  FakeRewardServer server([&](const std::string&, httplib::Response& res) {
    if (++calls <= 2) return AnswerJson(res, R"({"error": "busy"})", 500);
    AnswerJson(res, R"({"rewards": [0.25]})");
  });
  EXPECT_TRUE(torch::equal(Remote(server.url(), 5, 2).Score({"a"}, {"b"}), torch::tensor({0.25f})));
  EXPECT_EQ(calls.load(), 3);

  calls = 0;
  const std::string message = ErrorOf([&] { Remote(server.url(), 5, 1).Score({"a"}, {"b"}); });
  EXPECT_EQ(calls.load(), 2);
  EXPECT_NE(message.find("after 2 tries"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
}

TEST(RemoteReward, ClientErrorIsNotRetried) {
  std::atomic<int> calls = 0;
  FakeRewardServer server([&](const std::string&, httplib::Response& res) {
    ++calls;
    AnswerJson(res, R"({"error": "empty query"})", 400);
  });
  const std::string message = ErrorOf([&] { Remote(server.url(), 5, 3).Score({"a"}, {"b"}); });
  EXPECT_EQ(calls.load(), 1);
  EXPECT_NE(message.find("HTTP 400"), std::string::npos) << message;
  EXPECT_NE(message.find("empty query"), std::string::npos) << message;
}

TEST(RemoteReward, SlowServerTimesOutWithAnErrorNamingTheUrl) {
  FakeRewardServer server([](const std::string&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    AnswerJson(res, R"({"rewards": [1.0]})");
  });
  const auto start = std::chrono::steady_clock::now();
  const std::string message = ErrorOf([&] { Remote(server.url(), 0.1).Score({"a"}, {"b"}); });
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(450));
  EXPECT_NE(message.find(server.url()), std::string::npos) << message;
  EXPECT_NE(message.find("after 1 tries"), std::string::npos) << message;
  EXPECT_NE(message.find("no answer within 0.1 s"), std::string::npos) << message;
}

TEST(RemoteReward, UnreachableServerIsAnErrorNamingTheUrl) {
  std::string url;
  {
    FakeRewardServer closed([](const std::string&, httplib::Response&) {});
    url = closed.url();
  }  // the port is free again: nothing listens there
  const std::string message = ErrorOf([&] { Remote(url, 1, 1).Score({"a"}, {"b"}); });
  EXPECT_NE(message.find(url), std::string::npos) << message;
  EXPECT_NE(message.find("after 2 tries: could not connect"), std::string::npos) << message;
  EXPECT_NE(message.find("serve-rm"), std::string::npos) << message;
}

TEST(RemoteReward, UrlsAreParsedOrRefusedWithTheirProblem) {
  const ParsedUrl plain = ParseRewardUrl("http://localhost:5000/get_reward");
  EXPECT_EQ(plain.scheme, "http");
  EXPECT_EQ(plain.host, "localhost");
  EXPECT_EQ(plain.port, 5000);
  EXPECT_EQ(plain.path, "/get_reward");
  EXPECT_EQ(ParseRewardUrl("http://127.0.0.1:8/").path, "/get_reward");
  EXPECT_EQ(ParseRewardUrl("http://rm.example").port, 80);
  EXPECT_EQ(ParseRewardUrl("https://rm.example/v1/r").port, 443);
  EXPECT_EQ(ParseRewardUrl("https://rm.example/v1/r").path, "/v1/r");
  const ParsedUrl v6 = ParseRewardUrl("http://[::1]:9000");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 9000);
  for (const std::string bad : {"localhost:5000", "ftp://h/x", "http://:80/", "http://h:0/",
                                "http://h:99999/", "http://h:x/", "http://h:/"}) {
    const std::string message = ErrorOf([&] { ParseRewardUrl(bad); });
    EXPECT_NE(message.find(bad), std::string::npos) << bad << ": " << message;
  }
  EXPECT_NE(ErrorOf([] { TextRewardSource({"remote(timeout=3)"}, {}); }).find("url"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
