// The load generator of bench/serve_rm_load.sh, and the in-process baseline it compares the
// reward server with. Each mode prints one JSON line.
//
//   bench_serve_rm_load make-model --preset tiny --out DIR
//       a randomly initialised reward model of a preset with the byte tokenizer
//   bench_serve_rm_load inprocess --model DIR --batch 32 --seconds 3
//       items/s scoring batches of `batch` texts in this process, as the server's worker does
//   bench_serve_rm_load load --port P --concurrency 8 --items 1 --seconds 3
//       `concurrency` clients on kept-alive connections, each posting /get_reward with `items`
//       texts in a loop until the time is up (a bounded run): requests/s, items/s, latency
//       p50/p99 and the count of answers other than 200
// Every text is the same length (--chars, bytes = tokens with the byte tokenizer) and differs
// in content, so that no cache or early exit favours one side.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/threads.h"
#include "rlab/models/transformer/presets.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string Text(int64_t i, int64_t chars) {
  std::string text = fmt::format("item {} ", i);
  while (static_cast<int64_t>(text.size()) < chars)
    text += static_cast<char>('a' + (i + text.size()) % 26);
  text.resize(static_cast<std::size_t>(chars));
  return text;
}

void MakeModel(const std::string& preset, const std::string& out) {
  rlab::models::ByteTokenizer bytes;
  const auto config = rlab::models::FindPreset(preset, bytes.vocab_size());
  RLAB_CHECK(config.has_value(), "no preset '{}'; use {}", preset, rlab::models::PresetNames());
  torch::manual_seed(0);
  rlab::models::SequenceRewardModel model(*config, 1);
  rlab::reward::SaveRewardModelDir(model, "bradley_terry", &bytes, {}, out);
  std::printf("%s\n", nlohmann::json{{"preset", preset}, {"out", out}}.dump().c_str());
}

void InProcess(const std::string& dir, int64_t batch, int64_t chars, double seconds) {
  rlab::reward::TextRewardModel model = rlab::reward::LoadTextRewardModel(dir);
  std::vector<std::string> prompts(static_cast<std::size_t>(batch)), completions;
  int64_t next = 0, items = 0;
  auto round = [&] {
    completions.clear();
    for (int64_t i = 0; i < batch; ++i) completions.push_back(Text(next++, chars));
    model.MemberRewardsOfTexts(prompts, completions, 512, batch);
    items += batch;
  };
  round();  // warm-up
  items = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) round();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%s\n", nlohmann::json{{"mode", "inprocess"},
                                     {"batch", batch},
                                     {"items_per_s", items / elapsed},
                                     {"ms_per_batch", 1000.0 * elapsed * batch / items}}
                          .dump()
                          .c_str());
}

void Load(int port, int concurrency, int64_t items_per_request, int64_t chars, double seconds) {
  std::atomic<int64_t> counter{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(concurrency));
  std::vector<int64_t> failures(static_cast<std::size_t>(concurrency), 0);
  std::mutex reasons_mutex;
  std::map<std::string, int64_t> reasons;  // status, or httplib's error, of failed requests
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrency; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(60, 0);
      while (Clock::now() < deadline) {
        nlohmann::json query = nlohmann::json::array();
        for (int64_t i = 0; i < items_per_request; ++i) query.push_back(Text(counter++, chars));
        const std::string body = nlohmann::json{{"query", query}}.dump();
        const auto sent = Clock::now();
        auto reply = client.Post("/get_reward", body, "application/json");
        latencies[c].push_back(std::chrono::duration<double>(Clock::now() - sent).count());
        if (!reply || reply->status != 200) {
          ++failures[c];
          std::lock_guard lock(reasons_mutex);
          ++reasons[reply ? std::to_string(reply->status) : httplib::to_string(reply.error())];
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  int64_t failed = 0;
  for (int c = 0; c < concurrency; ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    failed += failures[c];
  }
  std::sort(all.begin(), all.end());
  auto quantile = [&](double q) {
    return all.empty() ? 0.0
                       : all[static_cast<std::size_t>(q * static_cast<double>(all.size() - 1))];
  };
  const auto requests = static_cast<double>(all.size());
  std::printf("%s\n", nlohmann::json{{"mode", "load"},
                                     {"concurrency", concurrency},
                                     {"items_per_request", items_per_request},
                                     {"requests", all.size()},
                                     {"failed", failed},
                                     {"failures", reasons},
                                     {"requests_per_s", requests / elapsed},
                                     {"items_per_s", requests * items_per_request / elapsed},
                                     {"p50_ms", 1000 * quantile(0.5)},
                                     {"p99_ms", 1000 * quantile(0.99)}}
                          .dump()
                          .c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"reward-server load generator and in-process baseline"};
  app.require_subcommand(1);
  std::string preset = "tiny", out, model;
  int64_t batch = 32, items = 1, chars = 96;
  int port = 0, concurrency = 8, threads = 1;
  double seconds = 3;
  app.add_option("--chars", chars, "bytes per text")->capture_default_str();
  app.add_option("--seconds", seconds, "how long a measurement runs")->capture_default_str();
  app.add_option("--threads", threads, "libtorch/OpenBLAS threads here")->capture_default_str();
  auto* make = app.add_subcommand("make-model", "write a random reward model of a preset");
  make->add_option("--preset", preset)->capture_default_str();
  make->add_option("--out", out)->required();
  auto* inprocess = app.add_subcommand("inprocess", "score batches in this process");
  inprocess->add_option("--model", model)->required();
  inprocess->add_option("--batch", batch)->capture_default_str();
  auto* load = app.add_subcommand("load", "post /get_reward from concurrent clients");
  load->add_option("--port", port)->required();
  load->add_option("--concurrency", concurrency)->capture_default_str();
  load->add_option("--items", items, "texts per request")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    rlab::ConfigureThreads(1, threads);
    if (*make) MakeModel(preset, out);
    if (*inprocess) InProcess(model, batch, chars, seconds);
    if (*load) Load(port, concurrency, items, chars, seconds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_serve_rm_load: %s\n", e.what());
    return 1;
  }
  return 0;
}
