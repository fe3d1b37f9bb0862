// rlab label: people judge queued comparisons in a web page, and their labels leave as files.
//   rlab label --db labels.db [--host H] [--port P] [--token T]   serve the page
//   rlab label add --db labels.db PAIRS.jsonl [--seed S]            queue text pairs
//   rlab label export --db labels.db --format feedback|trl --out FILE [--tie-policy keep|drop]
//   rlab label stats --db labels.db                                 counts and agreement (JSON)
// The queue is feedback/label_queue.h; the files feedback/label_files.h; the server
// serve/label_server.h.
#include <cstdio>
#include <memory>
#include <string>

#include "rlab/cli/commands.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/feedback/label_agreement.h"
#include "rlab/feedback/label_files.h"
#include "rlab/feedback/label_queue.h"
#include "rlab/serve/label_server.h"
#include "rlab/text/preference_convert.h"

namespace rlab::cli {
namespace {

struct LabelArgs {
  std::string db;
  serve::HttpServerOptions http;
  std::string pairs;
  uint64_t seed = 0;
  std::string format;
  std::string out;
  std::string tie_policy = "keep";
};

CLI::Option* AddDbOption(CLI::App& command, std::string& db) {
  return command.add_option("--db", db, "the label database (SQLite; created when absent)");
}

void Add(const LabelArgs& a) {
  // The file is read whole first: a bad line leaves the queue (and its file) untouched.
  const std::vector<feedback::Comparison> items = feedback::ReadTextPairs(a.pairs, a.seed);
  feedback::LabelQueue queue(a.db);
  const int64_t added = queue.Enqueue(items);
  std::printf("%s: queued %lld new comparisons of %lld read (%lld in the queue)\n", a.db.c_str(),
              static_cast<long long>(added), static_cast<long long>(items.size()),
              static_cast<long long>(queue.Counts().comparisons));
}

void Export(const LabelArgs& a) {
  const bool keep_ties = data::ParseTiePolicy(a.tie_policy) == data::TiePolicy::kKeep;
  const feedback::LabelQueue queue(a.db);
  const feedback::ExportReport r = a.format == "feedback"
                                       ? feedback::ExportFeedback(queue, a.out)
                                       : feedback::ExportTrl(queue, a.out, keep_ties);
  std::printf(
      "%s: wrote %lld comparisons (%lld ties%s; %lld from several people's majority, %lld of "
      "them split); left out: %lld with no answer but skips, %lld of the other kind\n",
      a.out.c_str(), static_cast<long long>(r.written), static_cast<long long>(r.ties),
      a.format == "trl" && !keep_ties ? ", dropped" : "", static_cast<long long>(r.majority),
      static_cast<long long>(r.split), static_cast<long long>(r.unlabelled),
      static_cast<long long>(r.other_kind));
}

}  // namespace

void AddLabelCommand(CLI::App& app) {
  auto a = std::make_shared<LabelArgs>();
  CLI::App* cmd = app.add_subcommand(
      "label", "serve a web page where people judge queued comparisons; add, export, stats");
  cmd->require_subcommand(0, 1);
  AddDbOption(*cmd, a->db);
  serve::AddHttpServerFlags(*cmd, a->http);
  cmd->footer("Open the printed address in a browser (with a token: append #token=TOKEN).");

  CLI::App* add = cmd->add_subcommand("add", "queue text pairs from a JSONL file");
  AddDbOption(*add, a->db)->required();
  add->add_option("file", a->pairs,
                  "JSONL of {\"prompt\", \"left\", \"right\"} or TRL's {\"prompt\", \"chosen\", "
                  "\"rejected\"} (shown in a random order)")
      ->required();
  add->add_option("--seed", a->seed, "seed of the order TRL-layout pairs are shown in")
      ->capture_default_str();
  add->callback([a] { Add(*a); });

  CLI::App* exp = cmd->add_subcommand("export", "write the labels as feedback.jsonl or TRL JSONL");
  AddDbOption(*exp, a->db)->required();
  exp->add_option("--format", a->format,
                  "feedback (segment comparisons, for pbrl's file teacher) or trl (text pairs: "
                  "prompt, chosen, rejected, for train-rm and dpo)")
      ->required()
      ->check(CLI::IsMember({"feedback", "trl"}));
  exp->add_option("--out", a->out, "the file to write (replaced atomically)")->required();
  exp->add_option("--tie-policy", a->tie_policy,
                  "with --format trl: keep (write ties with \"tie\": true) or drop")
      ->capture_default_str();
  exp->footer("Several people's answers to one comparison export as their majority; when the "
              "top count is shared, as a tie.");
  exp->callback([a] { Export(*a); });

  CLI::App* stats = cmd->add_subcommand("stats", "counts, labels per labeller and agreement");
  AddDbOption(*stats, a->db)->required();
  stats->callback([a] {
    const feedback::LabelQueue queue(a->db);
    std::printf("%s\n", feedback::QueueStats(queue).dump(2).c_str());
  });

  cmd->callback([a, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    if (a->db.empty()) throw CLI::RequiredError("--db");
    serve::ServeLabels(a->db, a->http);
  });
}

}  // namespace rlab::cli
