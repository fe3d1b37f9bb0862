// The tables of bench/nash_testbed.sh: for runs on a task with a response game (the cyclic
// task), each method's exploitability over seeds (mean and half the range), its mix of types,
// KL and gold win rate against the SFT start; and the matrix of cross win rates between the
// methods' final policies (P(row's sample > column's sample), from the type shares in each run's
// summary.json, averaged over seeds run by both). The SFT start is the row "sft" (the reference
// shares every dpo summary carries).
//
//   bench_nash_table 'cyclic' dpo=RUN_DIR,RUN_DIR,... sppo=RUN_DIR,... [sft=RUN_DIR]
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rlab/eval/response_game_eval.h"
#include "rlab/text/text_task.h"

namespace {

struct MethodRuns {
  std::string name;
  std::vector<rlab::eval::TypeShares> shares;  // one per seed
  std::vector<double> exploitability, kl, win_rate;
};

// The type shares a summary reports, under `suffix` ("" for the policy, "_reference").
rlab::eval::TypeShares SharesOf(const nlohmann::json& s, const std::vector<std::string>& types,
                                const std::string& prefix, const std::string& suffix) {
  rlab::eval::TypeShares shares;
  for (const std::string& t : types) {
    shares.typed.push_back(s.at(prefix + "type_share/" + t + suffix).get<double>());
  }
  shares.untyped = s.at(prefix + "type_share/invalid" + suffix).get<double>();
  return shares;
}

std::string MeanSpread(const std::vector<double>& v) {
  if (v.empty()) return "-";
  double mean = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return fmt::format("{:.3f} ± {:.3f}", mean, (*hi - *lo) / 2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_nash_table TASK_SPEC METHOD=RUN_DIR[,RUN_DIR...] ...\n");
    return 2;
  }
  try {
    const auto task = rlab::data::MakeTextTask(argv[1]);
    const rlab::data::ResponseGame* game = task->Game();
    if (game == nullptr) throw std::runtime_error(std::string(argv[1]) + " has no response game");
    const rlab::eval::PreferenceMatrix p = game->TypePreference();
    const std::vector<std::string> types = game->TypeNames();
    std::vector<MethodRuns> methods;
    MethodRuns sft{"sft", {}, {}, {}, {}};
    for (int i = 2; i < argc; ++i) {
      const std::string arg = argv[i];
      const std::size_t eq = arg.find('=');
      MethodRuns m{arg.substr(0, eq), {}, {}, {}, {}};
      std::size_t pos = eq + 1;
      while (pos <= arg.size()) {
        const std::size_t comma = std::min(arg.find(',', pos), arg.size());
        const std::filesystem::path dir = arg.substr(pos, comma - pos);
        pos = comma + 1;
        std::ifstream in(dir / "summary.json");
        if (!in) throw std::runtime_error("no summary.json in " + dir.string());
        const nlohmann::json s = nlohmann::json::parse(in);
        m.shares.push_back(SharesOf(s, types, "eval_", ""));
        m.exploitability.push_back(s.at("eval_exploitability").get<double>());
        m.kl.push_back(s.value("kl", 0.0));
        m.win_rate.push_back(s.value("gold_win_rate", 0.5));
        if (s.contains("type_share/invalid_reference") && sft.shares.size() < m.shares.size()) {
          const rlab::eval::TypeShares start = SharesOf(s, types, "", "_reference");
          sft.shares.push_back(start);
          sft.exploitability.push_back(rlab::eval::Exploitability(p, start));
          sft.kl.push_back(0.0);
          sft.win_rate.push_back(0.5);
        }
      }
      methods.push_back(std::move(m));
    }
    if (!sft.shares.empty()) methods.insert(methods.begin(), sft);
    const std::vector<double> nash = rlab::eval::NashMix(p);
    std::string nash_text;
    for (std::size_t t = 0; t < types.size(); ++t) {
      nash_text += fmt::format("{}{} {:.3f}", t ? ", " : "", types[t], nash[t]);
    }
    std::printf("%s; Nash mix: %s\n\n", task->Describe().c_str(), nash_text.c_str());
    std::string header = "| method | seeds | exploitability | ";
    for (const auto& t : types) header += t + " | ";
    std::printf("%sinvalid | KL | gold win rate vs SFT |\n|", header.c_str());
    for (std::size_t c = 0; c < types.size() + 6; ++c) std::printf(" --- |");
    std::printf("\n");
    for (const MethodRuns& m : methods) {
      std::string row =
          fmt::format("| {} | {} | {} | ", m.name, m.shares.size(), MeanSpread(m.exploitability));
      for (std::size_t t = 0; t <= types.size(); ++t) {
        std::vector<double> v;
        for (const auto& s : m.shares) v.push_back(t < types.size() ? s.typed[t] : s.untyped);
        row += MeanSpread(v) + " | ";
      }
      std::printf("%s%s | %s |\n", row.c_str(), MeanSpread(m.kl).c_str(),
                  MeanSpread(m.win_rate).c_str());
    }
    std::printf("\nCross win rates (row's samples against column's, seed by seed):\n\n| |");
    for (const MethodRuns& m : methods) std::printf(" %s |", m.name.c_str());
    std::printf("\n|");
    for (std::size_t c = 0; c <= methods.size(); ++c) std::printf(" --- |");
    std::printf("\n");
    for (const MethodRuns& a : methods) {
      std::printf("| %s |", a.name.c_str());
      for (const MethodRuns& b : methods) {
        const std::size_t n = std::min(a.shares.size(), b.shares.size());
        double win = 0;
        for (std::size_t s = 0; s < n; ++s) {
          win += rlab::eval::CrossWinRate(p, a.shares[s], b.shares[s]) / static_cast<double>(n);
        }
        std::printf(" %.3f |", win);
      }
      std::printf("\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_nash_table: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
