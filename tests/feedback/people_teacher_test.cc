// The people teacher: people's choices become B-Pref labels (several labellers: the majority),
// a round's queries wait in the label queue until answered, a round nobody answers fails after
// its timeout saying how to resume, and asking the same round again (a resumed run) queues
// nothing new and finds the answers given meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "rlab/feedback/label_queue.h"
#include "rlab/feedback/people_teacher.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

std::vector<HumanLabel> Choices(const std::vector<std::string>& choices) {
  std::vector<HumanLabel> labels;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    labels.push_back(
        {static_cast<int64_t>(i + 1), "c", "person" + std::to_string(i), choices[i], ""});
  }
  return labels;
}

TEST(PeopleTeacher, ChoicesMapToBPrefLabelsAndTheMajorityWins) {
  auto label = [](const std::vector<std::string>& choices) {
    return MajorityLabel(Choices(choices));
  };
  EXPECT_EQ(label({"left"}).label, kFirstPreferred);
  EXPECT_EQ(label({"right"}).label, kSecondPreferred);
  EXPECT_EQ(label({"tie"}).label, kEquallyPreferred);
  EXPECT_TRUE(label({"left"}).answered);
  EXPECT_FALSE(label({"skip"}).answered);
  EXPECT_FALSE(label({}).answered);
  EXPECT_EQ(label({"right", "right", "left"}).label, kSecondPreferred);
  EXPECT_EQ(label({"left", "skip", "skip"}).label, kFirstPreferred);  // skips do not vote
  EXPECT_EQ(label({"left", "right"}).label, kEquallyPreferred);       // a draw is a tie
  EXPECT_FALSE(label({"skip", "skip"}).answered);
}

PeopleQuery Query(int64_t first, int64_t second) {
  const nlohmann::json segment = {{"observations", {{0.5, 1.0}, {0.25, -1.0}}},
                                  {"actions", {{1.0}, {0.0}}}};
  return {first, second, segment, segment};
}

TEST(PeopleTeacher, RoundWaitsForPeopleAndReturnsTheirLabelsInOrder) {
  testing::ScratchDir scratch("people-teacher-answers");
  const std::string db = (scratch / "labels.db").string();
  PeopleTeacher teacher("people(db=" + db + ", timeout=20, labellers=2, poll=0.02)",
                        {"run-1", scratch / "run-1", "CartPole-v1"});
  std::atomic<bool> done = false;
  std::thread people([&] {
    LabelQueue queue(db);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int answered = 0;
    while (!done && answered < 4 && std::chrono::steady_clock::now() < deadline) {
      for (const std::string who : {"ann", "bob"}) {
        if (auto next = queue.NextFor(who)) {
          const bool first = next->id == PeopleComparisonId("run-1", 3, 8);
          queue.Record(next->id, who, first ? "right" : (who == "ann" ? "tie" : "skip"));
          ++answered;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const std::vector<TeacherLabel> labels = teacher.Ask({Query(3, 8), Query(5, 1)});
  done = true;
  people.join();
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_TRUE(labels[0].answered);
  EXPECT_EQ(labels[0].label, kSecondPreferred);
  EXPECT_TRUE(labels[1].answered);
  EXPECT_EQ(labels[1].label, kEquallyPreferred);  // ann: tie, bob skipped

  LabelQueue queue(db);
  const auto comparison = queue.Find(PeopleComparisonId("run-1", 5, 1));
  ASSERT_TRUE(comparison.has_value());
  EXPECT_EQ(comparison->kind, "segments");
  EXPECT_EQ(comparison->source, (scratch / "run-1").string());
  EXPECT_EQ(comparison->payload["env"], "CartPole-v1");
  EXPECT_EQ(comparison->payload["first_segment"], 5);
  EXPECT_EQ(comparison->payload["second_segment"], 1);
  EXPECT_EQ(comparison->payload["left"]["actions"], nlohmann::json({{1.0}, {0.0}}));
  EXPECT_EQ(comparison->payload["right"]["observations"][1], nlohmann::json({0.25, -1.0}));
}

TEST(PeopleTeacher, UnansweredRoundTimesOutSayingHowToResumeAndResumingFindsTheAnswers) {
  testing::ScratchDir scratch("people-teacher-timeout");
  const std::string db = (scratch / "labels.db").string();
  const std::string spec = "people(db=" + db + ", timeout=0.3, poll=0.05, url=http://x/)";
  const PeopleRun run{"run-2", scratch / "run-2", "Pendulum-v1"};
  const auto start = std::chrono::steady_clock::now();
  const std::string message = testing::ErrorOf([&] {
    PeopleTeacher(spec, run).Ask({Query(0, 1), Query(2, 3)});
  });
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(testing::Contains(message, "2 of 2 comparisons")) << message;
  EXPECT_TRUE(testing::Contains(message, "http://x/")) << message;
  EXPECT_TRUE(testing::Contains(message, "rlab run --resume " + (scratch / "run-2").string()))
      << message;

  LabelQueue queue(db);
  EXPECT_EQ(queue.Counts().comparisons, 2);
  queue.Record(PeopleComparisonId("run-2", 0, 1), "ann", "left");
  queue.Record(PeopleComparisonId("run-2", 2, 3), "ann", "skip");
  PeopleTeacher resumed(spec, run);
  const std::vector<TeacherLabel> labels = resumed.Ask({Query(0, 1), Query(2, 3)});
  EXPECT_EQ(queue.Counts().comparisons, 2);  // queued again: nothing new
  EXPECT_TRUE(labels[0].answered);
  EXPECT_EQ(labels[0].label, kFirstPreferred);
  EXPECT_FALSE(labels[1].answered);
}

TEST(PeopleTeacher, BadSettingsAreErrorsNamingTheKey) {
  testing::ScratchDir scratch("people-teacher-settings");
  const std::string db = (scratch / "labels.db").string();
  EXPECT_TRUE(
      testing::Contains(testing::ErrorOf([] { PeopleTeacher("people(timeout=3)", {}); }), "db"));
  EXPECT_TRUE(testing::Contains(
      testing::ErrorOf([&] { PeopleTeacher("people(db=" + db + ", labellers=0)", {}); }),
      "labellers"));
  EXPECT_TRUE(testing::Contains(
      testing::ErrorOf([&] { PeopleTeacher("people(db=" + db + ", poll=0)", {}); }), "poll"));
  EXPECT_TRUE(testing::Contains(
      testing::ErrorOf([&] { PeopleTeacher("people(db=" + db + ", timeout=-1)", {}); }),
      "timeout"));
}

}  // namespace
}  // namespace rlab::feedback
