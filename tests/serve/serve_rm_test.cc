// rlab serve-rm over loopback: OpenRLHF's request shape and our /v1/score give the rewards
// `rlab score` writes, concurrent requests share batches, malformed requests get 400/413 with
// a message and leave the server up, a full queue answers 429, a slow answer 504, a token is
// required where set, and SIGTERM answers the requests in flight before the exit (status 0).
// Each case starts the server as a child process on a free port; every wait is bounded.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <csignal>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "models/transformer/tiny_configs.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::serve {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

// A two-member ensemble of tiny transformers with the byte tokenizer.
void MakeEnsemble(const fs::path& dir) {
  models::TransformerConfig c = models::testing::TinyLlama();
  c.vocab_size = models::ByteTokenizer().vocab_size();
  models::ByteTokenizer bytes;
  for (int k = 0; k < 2; ++k) {
    torch::manual_seed(k + 1);
    models::SequenceRewardModel m(c, 1);
    reward::SaveRewardModelDir(m, "bradley_terry", &bytes, {}, dir / fmt::format("member_{}", k));
  }
  reward::WriteEnsembleIndex(dir, {"member_0", "member_1"});
}

// One model directory for every case (written once).
const fs::path& Model() {
  static testing::ScratchDir dir("serve_rm_model");
  static const bool made = (MakeEnsemble(dir.path()), true);
  (void)made;
  return dir.path();
}

// `rlab serve-rm` on a free port, stopped (SIGTERM) when the object dies.
class Server {
 public:
  explicit Server(std::vector<std::string> flags, std::vector<std::string> environment = {})
      : dir_("serve_rm_server") {
    std::vector<std::string> args = {"serve-rm",  "--model", Model().string(), "--max-length", "48",
                                     "--threads", "1"};
    args.insert(args.end(), flags.begin(), flags.end());
    pid_ = testing::SpawnRlab(args, dir_ / "out", dir_ / "err", environment);
    const std::regex listening(R"(rlab serve-rm: listening on http://127\.0\.0\.1:(\d+)/)");
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const std::string out = testing::ReadText(dir_ / "out");
      if (std::regex_search(out, m, listening))
        port_ = std::stoi(m[1]);
      else
        std::this_thread::sleep_for(20ms);
    }
    if (port_ == 0)
      ADD_FAILURE() << "no listening line; stderr: " << testing::ReadText(dir_ / "err");
  }
  ~Server() {
    if (pid_ > 0) Stop();
  }
  // SIGTERM, then the exit status.
  int Stop() {
    kill(pid_, SIGTERM);
    const int status = testing::WaitFor(pid_);
    pid_ = -1;
    return status;
  }
  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_read_timeout(10, 0);
    client->set_tcp_nodelay(true);
    return client;
  }
  httplib::Result Post(const std::string& path, const std::string& body,
                       const httplib::Headers& headers = {}) const {
    return Client()->Post(path.c_str(), headers, body, "application/json");
  }
  std::string Metrics() const {
    auto r = Client()->Get("/metrics");
    return r ? r->body : "";
  }
  std::string err() const { return testing::ReadText(dir_ / "err"); }

 private:
  testing::ScratchDir dir_;
  int pid_ = -1;
  int port_ = 0;
};

// The value of a metric line `name` (with its labels, exactly), or -1.
double MetricValue(const std::string& metrics, const std::string& name) {
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return -1;
}

TEST(ServeRm, OpenRlhfAndScoreRequestsGiveTheRewardsOfRlabScore) {
  testing::ScratchDir dir("serve_rm_parity");
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"Q: 2+2?\nA:", " 4"}, {"Q: capital of France?\nA:", " Paris, of course."}, {"hi", "!"}};
  std::string jsonl;
  json queries = json::array(), prompts = json::array(), pairs = json::array();
  for (const auto& [p, c] : rows) {
    jsonl += json{{"prompt", p}, {"completion", c}}.dump() + "\n";
    queries.push_back(p + c);
    prompts.push_back(p);
    pairs.push_back({{"prompt", p}, {"completion", c}});
  }
  testing::WriteText(dir / "rows.jsonl", jsonl);
  const auto scored =
      testing::RunRlab({"score", (dir / "rows.jsonl").string(), "--model", Model().string(),
                        "--max-length", "48", "-o", (dir / "scored.jsonl").string()});
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  std::vector<json> expected;
  std::ifstream in(dir / "scored.jsonl");
  for (std::string line; std::getline(in, line);) expected.push_back(json::parse(line));
  ASSERT_EQ(expected.size(), rows.size());

  Server server({});
  auto openrlhf = server.Post(
      "/get_reward",
      json{{"query", queries}, {"prompts", prompts}, {"labels", json::array({0, 1, 2})}}.dump());
  ASSERT_TRUE(openrlhf);
  ASSERT_EQ(openrlhf->status, 200) << openrlhf->body;
  const json rewards = json::parse(openrlhf->body).at("rewards");
  ASSERT_EQ(rewards.size(), rows.size());
  auto ours = server.Post("/v1/score", json{{"pairs", pairs}}.dump());
  ASSERT_TRUE(ours);
  ASSERT_EQ(ours->status, 200) << ours->body;
  const json reply = json::parse(ours->body);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double score = expected[i].at("score").get<double>();
    EXPECT_NEAR(rewards[i].get<double>(), score, 1e-5) << i;
    EXPECT_NEAR(reply["rewards"][i].get<double>(), score, 1e-5) << i;
    for (int k = 0; k < 2; ++k) {
      EXPECT_NEAR(reply["members"][k][i].get<double>(),
                  expected[i].at("member_scores")[k].get<double>(), 1e-5);
    }
    EXPECT_LE(reply["lower"][i].get<double>(), score);
    EXPECT_GE(reply["upper"][i].get<double>(), score);
  }
  auto one_prompt = server.Post(
      "/v1/score", json{{"prompt", rows[1].first}, {"completions", {rows[1].second}}}.dump());
  ASSERT_TRUE(one_prompt);
  EXPECT_NEAR(json::parse(one_prompt->body)["rewards"][0].get<double>(),
              expected[1].at("score").get<double>(), 1e-5);
  auto health = server.Client()->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body).at("status"), "ok");
  EXPECT_EQ(server.Stop(), 0);
}

TEST(ServeRm, ConcurrentRequestsShareBatches) {
  Server server({"--max-wait-ms", "300", "--max-batch", "32"});
  constexpr int kRequests = 8;
  std::vector<int> status(kRequests, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      auto r = server.Post("/get_reward", json{{"query", {fmt::format("text {}", i)}}}.dump());
      status[i] = r ? r->status : -1;
    });
  }
  for (auto& t : clients) t.join();
  for (int s : status) EXPECT_EQ(s, 200);
  const std::string metrics = server.Metrics();
  EXPECT_EQ(MetricValue(metrics, "rlab_serve_items_total"), kRequests) << metrics;
  const double batches = MetricValue(metrics, "rlab_serve_batch_size_count");
  EXPECT_GE(batches, 1) << metrics;
  EXPECT_LT(batches, kRequests) << metrics;
  EXPECT_EQ(
      MetricValue(metrics, R"(rlab_serve_requests_total{endpoint="/get_reward",status="200"})"),
      kRequests)
      << metrics;
}

TEST(ServeRm, MalformedRequestsGetAnErrorWithAMessageAndTheServerStaysUp) {
  Server server({"--max-body-bytes", "2000"});
  const std::vector<std::tuple<std::string, std::string, int, std::string>> cases = {
      {"/get_reward", "{not json", 400, "not valid JSON"},
      {"/get_reward", "[1, 2]", 400, "must be a JSON object"},
      {"/get_reward", R"({"query": "one text"})", 400, "must be a list of texts"},
      {"/get_reward", R"({"query": []})", 400, "empty list"},
      {"/get_reward", R"({"query": ["a", 3]})", 400, "query[1]"},
      {"/get_reward", R"({"query": ["a"], "prompts": ["x", "y"]})", 400, "'prompts'"},
      {"/get_reward", R"({"prompts": ["a"]})", 400, "missing field 'query'"},
      {"/v1/score", R"({"prompt": "p"})", 400, "missing field 'completions'"},
      {"/v1/score", R"({"prompt": 1, "completions": ["a"]})", 400, "'prompt' must be a text"},
      {"/v1/score", R"({"pairs": [{"prompt": "p"}]})", 400, "pairs[0].completion"},
      {"/v1/score", R"({"pairs": {}})", 400, "must be a list"},
      {"/v1/score", "{}", 400, "send"},
      {"/get_reward", json{{"query", {std::string(3000, 'x')}}}.dump(), 413, "--max-body-bytes"},
      {"/nowhere", "{}", 404, "no such endpoint"},
  };
  for (const auto& [path, body, status, message] : cases) {
    auto r = server.Post(path, body);
    ASSERT_TRUE(r) << path << " " << body.substr(0, 40);
    EXPECT_EQ(r->status, status) << body.substr(0, 40) << ": " << r->body;
    const json reply = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(reply.is_object() && reply.contains("error")) << r->body;
    EXPECT_TRUE(testing::Contains(reply["error"].get<std::string>(), message))
        << body.substr(0, 40) << ": " << r->body;
  }
  auto ok = server.Post("/get_reward", R"({"query": ["still here"]})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(MetricValue(server.Metrics(),
                        R"(rlab_serve_errors_total{endpoint="/get_reward",reason="bad_request"})"),
            7);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(ServeRm, FullQueueAnswers429AndALateAnswer504) {
  Server server({"--queue", "1", "--max-wait-ms", "1500", "--timeout-s", "5"});
  std::thread first_client([&] {
    auto r = server.Post("/get_reward", R"({"query": ["waits for a batch"]})");
    EXPECT_TRUE(r && r->status == 200);
  });
  // The first item waits in the queue (its batch waits 1.5 s for more, time enough for the
  // second request on a busy machine).
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (MetricValue(server.Metrics(), "rlab_serve_queue_depth") != 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  auto refused = server.Post("/get_reward", R"({"query": ["no room"]})");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429) << refused->body;
  EXPECT_TRUE(testing::Contains(refused->body, "queue is full"));
  auto too_many = server.Post("/get_reward", R"({"query": ["a", "b"]})");
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->status, 413) << too_many->body;
  first_client.join();

  Server slow({"--max-wait-ms", "1000", "--timeout-s", "0.2"});
  auto late = slow.Post("/v1/score", R"({"prompt": "p", "completions": ["c"]})");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 504) << late->body;
  EXPECT_TRUE(testing::Contains(late->body, "--timeout-s"));
}

TEST(ServeRm, TokenIsRequiredWhenSet) {
  Server server({}, {"RLAB_TOKEN=s3cret"});
  auto missing = server.Post("/get_reward", R"({"query": ["a"]})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_TRUE(testing::Contains(missing->body, "Authorization: Bearer"));
  auto wrong = server.Post("/get_reward", R"({"query": ["a"]})", {{"Authorization", "Bearer x"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto right =
      server.Post("/get_reward", R"({"query": ["a"]})", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200) << right->body;
  auto health = server.Client()->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(ServeRm, SigtermAnswersTheRequestsInFlightAndExitsZero) {
  Server server({"--max-wait-ms", "600"});
  constexpr int kRequests = 4;
  std::vector<int> status(kRequests, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      auto r = server.Post("/v1/score", json{{"prompt", "p"}, {"completions", {"c"}}}.dump());
      status[i] = r ? r->status : -1;
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (MetricValue(server.Metrics(), "rlab_serve_queue_depth") != kRequests &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(server.Stop(), 0) << server.err();
  for (auto& t : clients) t.join();
  for (int s : status) EXPECT_EQ(s, 200);
}

}  // namespace
}  // namespace rlab::serve
