// PbRL runs that ask people (teacher: people(...)): a person answering the queued comparisons
// through the label queue gives the run its labels, and a run nobody answers stops after its
// timeout saying how to resume, then resumes with the answers given meanwhile.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "rlab/feedback/feedback_file.h"
#include "rlab/feedback/label_queue.h"
#include "rlab/feedback/segment_query.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;

// A CartPole PrefPPO run of about a second with one feedback round of 3 queries.
RunRequest TinyPeopleRun(const fs::path& out, const std::string& teacher) {
  RunRequest request;
  request.pipeline = "pbrl";
  request.overrides = {"env=CartPole-v1",
                       "algo=prefppo",
                       "steps=1024",
                       "ppo.num_steps=128",
                       "feedback.budget=3",
                       "feedback.batch=3",
                       "feedback.every=4096",
                       "feedback.start=512",
                       "feedback.segment_length=10",
                       "feedback.store_episodes=20",
                       "reward_model.hidden=[8]",
                       "reward_model.max_epochs=2",
                       "eval.episodes=1",
                       "eval.heldout_pairs=0",
                       "eval.epic_transitions=0",
                       "teacher=" + teacher,
                       "run.out_dir=" + out.string(),
                       "run.threads=1",
                       "run.log_every=512",
                       "run.checkpoint_every=256",
                       "run.progress_seconds=1000"};
  return request;
}

// The only run directory under `out`.
fs::path OnlyRun(const fs::path& out) {
  std::vector<fs::path> runs;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.is_directory() && !e.is_symlink()) runs.push_back(e.path());
  }
  EXPECT_EQ(runs.size(), 1u);
  return runs.empty() ? fs::path() : runs[0];
}

// label in feedback.jsonl for each choice a person made.
const std::map<std::string, double> kLabelOfChoice = {{"left", feedback::kFirstPreferred},
                                                      {"right", feedback::kSecondPreferred},
                                                      {"tie", feedback::kEquallyPreferred}};

// Every record of feedback.jsonl holds the label its comparison's choice maps to.
void ExpectFeedbackHoldsTheChoices(const fs::path& run, feedback::LabelQueue& queue,
                                   int64_t expected_records) {
  const auto records = feedback::ReadFeedbackFile(run / "feedback.jsonl");
  ASSERT_EQ(static_cast<int64_t>(records.size()), expected_records);
  for (const auto& r : records) {
    const std::string id = run.filename().string() + "/segments-" + std::to_string(r.first) + "-" +
                           std::to_string(r.second);
    const auto labels = queue.Labels(id);
    ASSERT_EQ(labels.size(), 1u) << id;
    EXPECT_TRUE(testing::Contains(r.teacher, "people(")) << r.teacher;
    if (labels[0].choice == "skip") {
      EXPECT_FALSE(r.label.has_value()) << id;
    } else {
      ASSERT_TRUE(r.label.has_value()) << id;
      EXPECT_EQ(*r.label, kLabelOfChoice.at(labels[0].choice)) << id;
    }
  }
}

TEST(PbrlPeople, RunFinishesWithTheLabelsAPersonGaveThroughTheQueue) {
  testing::ScratchDir scratch("pbrl-people");
  const std::string db = (scratch / "labels.db").string();
  std::atomic<bool> done = false;
  std::thread person([&] {
    const std::vector<std::string> choices = {"right", "skip", "tie"};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::optional<feedback::LabelQueue> queue;
    for (std::size_t answered = 0;
         !done && answered < choices.size() && std::chrono::steady_clock::now() < deadline;) {
      if (!queue && fs::exists(db)) queue.emplace(db);
      if (queue) {
        if (auto next = queue->NextFor("ann")) queue->Record(next->id, "ann", choices[answered++]);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  fs::path run;
  const std::string message = testing::ErrorOf([&] {
    run = ExecuteRun(TinyPeopleRun(scratch.path(), "people(db=" + db + ", timeout=30, poll=0.02)"));
  });
  done = true;
  person.join();
  ASSERT_EQ(message, "");
  const auto summary = nlohmann::json::parse(testing::ReadText(run / "summary.json"));
  EXPECT_EQ(summary["labels_asked"], 3);
  EXPECT_EQ(summary["labels_answered"], 2);
  EXPECT_EQ(summary["reward_updates"], 1);
  feedback::LabelQueue queue(db);
  ExpectFeedbackHoldsTheChoices(run, queue, 3);
}

TEST(PbrlPeople, UnansweredRunTimesOutAndResumesWithTheAnswersGivenMeanwhile) {
  testing::ScratchDir scratch("pbrl-people-timeout");
  const std::string db = (scratch / "labels.db").string();
  const RunRequest request = TinyPeopleRun(scratch.path(), "people(db=" + db + ", timeout=1)");
  const std::string message = testing::ErrorOf([&] { ExecuteRun(request); });
  const fs::path run = OnlyRun(scratch.path());
  EXPECT_TRUE(testing::Contains(message, "3 of 3 comparisons")) << message;
  EXPECT_TRUE(testing::Contains(message, "rlab label --db " + db)) << message;
  EXPECT_TRUE(testing::Contains(message, "rlab run --resume " + run.string())) << message;

  feedback::LabelQueue queue(db);
  ASSERT_EQ(queue.Counts().comparisons, 3);
  for (const std::string choice : {"left", "right", "left"}) {
    const auto next = queue.NextFor("ann");
    ASSERT_TRUE(next.has_value());
    queue.Record(next->id, "ann", choice);
  }
  RunRequest resume;
  resume.resume_dir = run.string();
  ExecuteRun(resume);
  EXPECT_EQ(queue.Counts().comparisons, 3);  // the resumed run queued the same comparisons
  const auto summary = nlohmann::json::parse(testing::ReadText(run / "summary.json"));
  EXPECT_EQ(summary["status"], "finished");
  EXPECT_EQ(summary["labels_answered"], 3);
  ExpectFeedbackHoldsTheChoices(run, queue, 3);
}

}  // namespace
}  // namespace rlab::pipeline
