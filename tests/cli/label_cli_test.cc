// rlab label: the labelling API over loopback (token, errors, texts returned verbatim), and
// exports that feed train-rm (TRL JSONL) and pbrl's file teacher (feedback.jsonl).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "rlab/core/io.h"
#include "rlab/feedback/feedback_file.h"
#include "rlab/feedback/label_queue.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunRlab;
using testing::ScratchDir;
using testing::WriteText;

constexpr const char* kScript = "<script>alert('x')</script>";

// Starts `rlab label --db DB ...` and reads its port from the listening line (5 s at most).
struct LabelServer {
  int pid = -1;
  int port = 0;
  LabelServer(const ScratchDir& dir, const fs::path& db, const std::string& token) {
    pid = testing::SpawnRlab({"label", "--db", db.string(), "--port", "0", "--token", token},
                             dir / "server.out", dir / "server.err");
    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const std::string out = fs::exists(dir / "server.out") ? ReadText(dir / "server.out") : "";
      if (std::regex_search(out, m, listening)) {
        port = std::stoi(m[1]);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  int Stop() {
    ::kill(pid, SIGTERM);
    return testing::WaitFor(pid);
  }
};

TEST(LabelCli, ServesTheLabellingApiWithTheToken) {
  ScratchDir dir("label_cli_api");
  const fs::path db = dir / "labels.db";
  WriteText(dir / "pairs.jsonl",
            nlohmann::json{{"prompt", "Say hi"}, {"left", kScript}, {"right", "hi"}}.dump() + "\n");
  const auto add = RunRlab({"label", "add", "--db", db.string(), (dir / "pairs.jsonl").string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  LabelServer server(dir, db, "s3cret");
  ASSERT_GT(server.port, 0) << ReadText(dir / "server.err");
  httplib::Client client("127.0.0.1", server.port);
  client.set_read_timeout(5, 0);
  const httplib::Headers auth = {{"Authorization", "Bearer s3cret"}};

  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  auto denied = client.Get("/api/next?labeller=ann");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);

  auto next = client.Get("/api/next?labeller=ann", auth);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200) << next->body;
  const nlohmann::json comparison = nlohmann::json::parse(next->body)["comparison"];
  EXPECT_EQ(comparison["kind"], "text");
  EXPECT_EQ(comparison["payload"]["left"], kScript);  // data, returned verbatim
  const std::string id = comparison["id"];

  auto post = [&](const nlohmann::json& body) {
    return client.Post("/api/label", auth, body.dump(), "application/json");
  };
  auto bad = post({{"id", id}, {"labeller", "ann"}, {"choice", "up"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(nlohmann::json::parse(bad->body)["error"].get<std::string>().find("'up'"),
            std::string::npos);
  auto unknown = post({{"id", "nope"}, {"labeller", "ann"}, {"choice", "left"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  auto not_json = client.Post("/api/label", auth, "{", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  auto good = post({{"id", id}, {"labeller", "ann"}, {"choice", "right"}});
  ASSERT_TRUE(good);
  ASSERT_EQ(good->status, 200) << good->body;
  EXPECT_EQ(nlohmann::json::parse(good->body)["label"]["choice"], "right");
  post({{"id", id}, {"labeller", "bob"}, {"choice", "right"}});

  next = client.Get("/api/next?labeller=ann", auth);
  ASSERT_TRUE(next);
  EXPECT_TRUE(nlohmann::json::parse(next->body)["comparison"].is_null());
  auto stats = client.Get("/api/stats", auth);
  ASSERT_TRUE(stats);
  const nlohmann::json s = nlohmann::json::parse(stats->body);
  EXPECT_EQ(s["counts"]["labels"], 2);
  EXPECT_EQ(s["agreement"]["pairwise"], 1.0);
  EXPECT_EQ(server.Stop(), 0);  // SIGTERM: a graceful stop
  // Committed before the answer: the label is in the file.
  EXPECT_EQ(feedback::LabelQueue(db).Labels().size(), 2u);
}

TEST(LabelCli, ServerKilledWithSigkillKeepsEveryLabelItAcknowledged) {
  ScratchDir dir("label_cli_sigkill");
  const fs::path db = dir / "labels.db";
  std::vector<std::string> ids;
  {
    feedback::LabelQueue queue(db);
    std::vector<feedback::Comparison> items;
    for (int i = 0; i < 20; ++i) {
      ids.push_back("c" + std::to_string(i));
      items.push_back({ids.back(), "text", {{"prompt", "p"}, {"left", "a"}, {"right", "b"}}, ""});
    }
    queue.Enqueue(items);
  }
  LabelServer server(dir, db, "t");
  ASSERT_GT(server.port, 0) << ReadText(dir / "server.err");
  httplib::Client client("127.0.0.1", server.port);
  client.set_read_timeout(5, 0);
  std::vector<int64_t> acknowledged;
  for (const std::string& id : ids) {
    const nlohmann::json body = {{"id", id}, {"labeller", "ann"}, {"choice", "left"}};
    auto r =
        client.Post("/api/label", {{"Authorization", "Bearer t"}}, body.dump(), "application/json");
    ASSERT_TRUE(r && r->status == 200);
    acknowledged.push_back(nlohmann::json::parse(r->body)["label"]["seq"].get<int64_t>());
  }
  ::kill(server.pid, SIGKILL);  // right after the last acknowledgement
  testing::WaitFor(server.pid);
  std::set<int64_t> stored;
  for (const auto& label : feedback::LabelQueue(db).Labels()) stored.insert(label.seq);
  for (int64_t seq : acknowledged) EXPECT_TRUE(stored.count(seq)) << "label " << seq << " lost";
}

TEST(LabelCli, TrlExportTrainsARewardModel) {
  ScratchDir dir("label_cli_train_rm");
  const fs::path db = dir / "labels.db";
  std::string pairs;
  for (int i = 0; i < 8; ++i) {
    pairs += nlohmann::json{{"prompt", std::to_string(i) + "+1="},
                            {"chosen", std::to_string(i + 1)},
                            {"rejected", std::to_string(i + 2)}}
                 .dump() +
             "\n";
  }
  WriteText(dir / "pairs.jsonl", pairs);
  ASSERT_EQ(
      RunRlab({"label", "add", "--db", db.string(), (dir / "pairs.jsonl").string()}).exit_code, 0);
  {
    feedback::LabelQueue queue(db);
    int i = 0;
    for (const feedback::Comparison& c : queue.Comparisons()) {
      const std::string choice = i++ == 0 ? "tie" : c.payload["source_chosen"].get<std::string>();
      queue.Record(c.id, "ann", choice);
    }
  }
  const fs::path out = dir / "prefs.jsonl";
  const auto exported =
      RunRlab({"label", "export", "--db", db.string(), "--format", "trl", "--out", out.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("wrote 8 comparisons (1 ties"), std::string::npos) << exported.out;
  const auto train = RunRlab({"train-rm", "--model", "tiny", "--data", out.string(), "--steps", "2",
                              "run.out_dir=" + (dir / "runs").string(), "optim.batch_size=4",
                              "eval_every=0", "--threads", "1"});
  EXPECT_EQ(train.exit_code, 0) << train.err;
}

TEST(LabelCli, FeedbackExportFeedsPbrlsFileTeacher) {
  ScratchDir dir("label_cli_pbrl");
  const std::vector<std::string> pbrl = {"pbrl",
                                         "--env",
                                         "CartPole-v1",
                                         "--algo",
                                         "prefppo",
                                         "--feedback",
                                         "10",
                                         "--steps",
                                         "1024",
                                         "--seed",
                                         "1",
                                         "ppo.num_steps=128",
                                         "feedback.batch=10",
                                         "feedback.every=512",
                                         "feedback.start=256",
                                         "feedback.segment_length=10",
                                         "feedback.store_episodes=20",
                                         "reward_model.hidden=[8]",
                                         "reward_model.max_epochs=2",
                                         "eval.episodes=1",
                                         "eval.heldout_pairs=10",
                                         "eval.epic_transitions=16",
                                         "run.out_dir=" + (dir / "runs").string()};
  // One round of queries: an oracle run shows which segment pairs the run asks about.
  auto oracle_args = pbrl;
  oracle_args.insert(oracle_args.end(), {"--teacher", "oracle", "run.name=oracle"});
  const auto oracle = RunRlab(oracle_args);
  ASSERT_EQ(oracle.exit_code, 0) << oracle.err;
  const auto asked = feedback::ReadFeedbackFile(dir / "runs" / "oracle-latest" / "feedback.jsonl");
  ASSERT_EQ(asked.size(), 10u);
  // People judge those pairs in the queue (as the people teacher would queue them).
  const fs::path db = dir / "labels.db";
  {
    feedback::LabelQueue queue(db);
    const nlohmann::json segment = {{"observations", {{0.0, 0.0, 0.0, 0.0}}}, {"actions", {{0}}}};
    std::vector<feedback::Comparison> items;
    for (const auto& r : asked) {
      items.push_back({std::to_string(r.first) + "-" + std::to_string(r.second),
                       "segments",
                       {{"env", "CartPole-v1"},
                        {"left", segment},
                        {"right", segment},
                        {"first_segment", r.first},
                        {"second_segment", r.second}},
                       "test"});
    }
    queue.Enqueue(items);
    for (size_t i = 0; i < items.size(); ++i) {
      queue.Record(items[i].id, "ann", i % 3 == 0 ? "right" : "left");
    }
  }
  const fs::path out = dir / "feedback.jsonl";
  const auto exported = RunRlab(
      {"label", "export", "--db", db.string(), "--format", "feedback", "--out", out.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto file_args = pbrl;
  file_args.insert(file_args.end(),
                   {"--teacher", "file(path=" + out.string() + ")", "run.name=people"});
  const auto people = RunRlab(file_args);
  ASSERT_EQ(people.exit_code, 0) << people.err;
  const nlohmann::json summary =
      nlohmann::json::parse(ReadText(dir / "runs" / "people-latest" / "summary.json"));
  EXPECT_EQ(summary["labels_missing_in_file"], 0);
  EXPECT_EQ(summary["labels_answered"], 10);
}

}  // namespace
}  // namespace rlab
