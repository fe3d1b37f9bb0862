#include "rlab/feedback/people_teacher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/core/spec.h"
#include "rlab/feedback/label_agreement.h"

namespace rlab::feedback {

std::string PeopleComparisonId(const std::string& run_id, int64_t first, int64_t second) {
  return fmt::format("{}/segments-{}-{}", run_id, first, second);
}

TeacherLabel MajorityLabel(const std::vector<HumanLabel>& labels) {
  // One comparison's labels: CountVotes keys them all under its id.
  const std::map<std::string, Votes> votes = CountVotes(labels);
  if (votes.empty()) return {};  // nobody answered, or everyone skipped
  const std::string choice = *MajorityChoice(votes.begin()->second);
  if (choice == "left") return {true, kFirstPreferred};
  if (choice == "right") return {true, kSecondPreferred};
  return {true, kEquallyPreferred};
}

PeopleTeacher::PeopleTeacher(const std::string& spec, PeopleRun run) : run_(std::move(run)) {
  const PeopleTeacherOptions defaults;
  const SpecArgs args(
      Spec::Parse(spec),
      {{"db", std::nullopt, "the label queue's SQLite file (rlab label --db serves it)"},
       {"timeout", fmt::format("{}", defaults.timeout),
        "seconds a round waits for answers before the run stops to be resumed"},
       {"labellers", fmt::format("{}", defaults.labellers), "people who judge each comparison"},
       {"poll", fmt::format("{}", defaults.poll), "seconds between looks at the queue"},
       {"url", defaults.url, "where people label, shown while the run waits"}},
      "teacher");
  options_.db = args.Get<std::string>("db");
  options_.timeout = args.Get<double>("timeout");
  options_.labellers = args.Get<int64_t>("labellers");
  options_.poll = args.Get<double>("poll");
  options_.url = args.Get<std::string>("url");
  RLAB_CHECK(!options_.db.empty(), "teacher '{}': db must name the label queue's file", spec);
  RLAB_CHECK(options_.timeout > 0, "teacher '{}': timeout must be > 0 seconds, got {}", spec,
             options_.timeout);
  RLAB_CHECK(options_.labellers >= 1, "teacher '{}': labellers must be >= 1, got {}", spec,
             options_.labellers);
  RLAB_CHECK(options_.poll > 0 && options_.poll <= 60,
             "teacher '{}': poll must be in (0, 60] seconds, got {}", spec, options_.poll);
  queue_ = std::make_unique<LabelQueue>(options_.db);
}

PeopleTeacher::~PeopleTeacher() = default;

std::string PeopleTeacher::Describe() const {
  return fmt::format("people(db={}, timeout={}, labellers={})", options_.db.string(),
                     options_.timeout, options_.labellers);
}

std::vector<TeacherLabel> PeopleTeacher::Ask(const std::vector<PeopleQuery>& queries) {
  std::vector<Comparison> items;
  for (const PeopleQuery& q : queries) {
    items.push_back({PeopleComparisonId(run_.run_id, q.first, q.second), "segments",
                     nlohmann::json{{"env", run_.env},
                                    {"left", q.left},
                                    {"right", q.right},
                                    {"first_segment", q.first},
                                    {"second_segment", q.second}},
                     run_.run_dir.string()});
  }
  const int64_t added = queue_->Enqueue(items);
  const std::string where = options_.url.empty()
                                ? fmt::format("with `rlab label --db {}`", options_.db.string())
                                : "at " + options_.url;

  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(options_.timeout);
  std::vector<std::optional<TeacherLabel>> answers(items.size());
  int64_t waiting = static_cast<int64_t>(items.size());
  int64_t reported = -1;
  Clock::time_point last_report;
  while (true) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (answers[i]) continue;
      const std::vector<HumanLabel> labels = queue_->Labels(items[i].id);
      if (static_cast<int64_t>(labels.size()) >= options_.labellers) {
        answers[i] = MajorityLabel(labels);
        --waiting;
      }
    }
    if (waiting == 0) break;
    const Clock::time_point now = Clock::now();
    if (waiting != reported || now - last_report >= std::chrono::seconds(30)) {
      spdlog::info("people: {} of {} comparisons ({} new) wait for {} labeller(s); label them {}",
                   waiting, items.size(), added, options_.labellers, where);
      reported = waiting;
      last_report = now;
    }
    RLAB_CHECK(now < deadline,
               "teacher {}: {} of {} comparisons of this feedback round still wait for labels "
               "after {} s; label them {}, then continue the run with `rlab run --resume {}` "
               "(it replays from its last checkpoint and finds the answers)",
               Describe(), waiting, items.size(), options_.timeout, where, run_.run_dir.string());
    std::this_thread::sleep_for(std::min(std::chrono::duration<double>(options_.poll),
                                         std::chrono::duration<double>(deadline - now)));
  }
  std::vector<TeacherLabel> out;
  for (const auto& a : answers) out.push_back(*a);
  return out;
}

}  // namespace rlab::feedback
