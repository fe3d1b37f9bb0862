// The SQLite queue of comparisons people judge: queueing, the order each labeller sees, label
// replacement, errors, counts, and that a label acknowledged before a SIGKILL is on disk.
#include "rlab/feedback/label_queue.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "rlab/core/check.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

using testing::Contains;
using testing::ErrorOf;
using testing::ScratchDir;

Comparison Text(const std::string& id, const std::string& left = "a") {
  return Comparison{id, "text", {{"prompt", "p"}, {"left", left}, {"right", "b"}}, "test"};
}

TEST(LabelQueue, EnqueueKeepsTheFirstCopyOfAnId) {
  ScratchDir dir("label_queue_enqueue");
  LabelQueue queue(dir / "labels.db");
  EXPECT_EQ(queue.Enqueue({Text("c1"), Text("c2")}), 2);
  EXPECT_EQ(queue.Enqueue({Text("c2", "changed"), Text("c3")}), 1);
  EXPECT_EQ(queue.Find("c2")->payload["left"], "a");
  EXPECT_FALSE(queue.Find("missing").has_value());
  EXPECT_EQ(queue.Counts().comparisons, 3);
  // Reopening sees the same queue.
  LabelQueue again(dir / "labels.db");
  ASSERT_EQ(again.Comparisons().size(), 3u);
  EXPECT_EQ(again.Comparisons()[2].id, "c3");
}

TEST(LabelQueue, NextForGivesEachLabellerTheOldestTheyHaveNotAnswered) {
  ScratchDir dir("label_queue_next");
  LabelQueue queue(dir / "labels.db");
  queue.Enqueue({Text("c1"), Text("c2"), Text("c3")});
  EXPECT_EQ(queue.NextFor("ann")->id, "c1");
  queue.Record("c1", "ann", "left");
  queue.Record("c2", "ann", "skip");  // a skip is an answer: it is not shown again
  EXPECT_EQ(queue.NextFor("ann")->id, "c3");
  EXPECT_EQ(queue.NextFor("bob")->id, "c1");
  queue.Record("c3", "ann", "tie");
  EXPECT_FALSE(queue.NextFor("ann").has_value());
}

TEST(LabelQueue, RecordingAgainReplacesTheLabellersEarlierAnswer) {
  ScratchDir dir("label_queue_replace");
  LabelQueue queue(dir / "labels.db");
  queue.Enqueue({Text("c1"), Text("c2")});
  const HumanLabel first = queue.Record("c1", "ann", "left");
  queue.Record("c2", "ann", "right");
  queue.Record("c1", "bob", "left");
  const HumanLabel replaced = queue.Record("c1", "ann", "right");
  EXPECT_GT(replaced.seq, first.seq);
  const auto labels = queue.Labels("c1");
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0].labeller, "bob");
  EXPECT_EQ(labels[1].labeller, "ann");
  EXPECT_EQ(labels[1].choice, "right");
  EXPECT_EQ(labels[1].time.size(), std::string("2026-01-01T00:00:00.000Z").size());
  EXPECT_EQ(queue.Labels().size(), 3u);
}

TEST(LabelQueue, BadChoiceUnknownIdAndBadPayloadAreErrorsNamingThem) {
  ScratchDir dir("label_queue_errors");
  LabelQueue queue(dir / "labels.db");
  queue.Enqueue({Text("c1")});
  std::string e = ErrorOf([&] { queue.Record("c1", "ann", "up"); });
  EXPECT_TRUE(Contains(e, "labels.db") && Contains(e, "'up'")) << e;
  e = ErrorOf([&] { queue.Record("nope", "ann", "left"); });
  EXPECT_TRUE(Contains(e, "'nope'")) << e;
  e = ErrorOf([&] { queue.Enqueue({Comparison{"c9", "text", {{"prompt", "p"}}, ""}}); });
  EXPECT_TRUE(Contains(e, "'c9'") && Contains(e, "'left'")) << e;
  e = ErrorOf([&] { queue.Enqueue({Comparison{"c9", "video", nlohmann::json::object(), ""}}); });
  EXPECT_TRUE(Contains(e, "'video'")) << e;
  EXPECT_EQ(queue.Labels().size(), 0u);
  EXPECT_EQ(queue.Counts().comparisons, 1);
  e = ErrorOf([&] { LabelQueue bad(dir.path()); });
  EXPECT_TRUE(Contains(e, "directory")) << e;
}

TEST(LabelQueue, CountsLabelledComparisonsWithoutSkips) {
  ScratchDir dir("label_queue_counts");
  LabelQueue queue(dir / "labels.db");
  queue.Enqueue({Text("c1"), Text("c2"), Text("c3")});
  queue.Record("c1", "ann", "left");
  queue.Record("c1", "bob", "right");
  queue.Record("c2", "ann", "skip");
  const QueueCounts counts = queue.Counts();
  EXPECT_EQ(counts.comparisons, 3);
  EXPECT_EQ(counts.labelled, 1);
  EXPECT_EQ(counts.labels, 3);
}

TEST(LabelQueue, TwoConnectionsShareTheFile) {
  ScratchDir dir("label_queue_shared");
  LabelQueue writer(dir / "labels.db");
  LabelQueue reader(dir / "labels.db");
  writer.Enqueue({Text("c1")});
  EXPECT_EQ(reader.NextFor("ann")->id, "c1");
  reader.Record("c1", "ann", "left");
  EXPECT_EQ(writer.Labels().size(), 1u);
}

// A child records labels and reports each seq once Record() returned; it is killed with
// SIGKILL right after an acknowledgement. Every acknowledged label must be in the file.
TEST(LabelQueue, EveryAcknowledgedLabelSurvivesSigkill) {
  ScratchDir dir("label_queue_sigkill");
  const auto path = dir / "labels.db";
  constexpr int kComparisons = 200;
  {
    LabelQueue queue(path);
    std::vector<Comparison> items;
    for (int i = 0; i < kComparisons; ++i) items.push_back(Text("c" + std::to_string(i)));
    queue.Enqueue(items);
  }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    try {
      LabelQueue queue(path);
      for (int i = 0; i < kComparisons; ++i) {
        const HumanLabel label = queue.Record("c" + std::to_string(i), "ann", "left");
        const int64_t seq = label.seq;
        if (::write(fds[1], &seq, sizeof seq) != sizeof seq) ::_exit(3);
      }
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::set<int64_t> acknowledged;
  int64_t seq = 0;
  constexpr size_t kKillAfter = 25;
  while (acknowledged.size() < kKillAfter && ::read(fds[0], &seq, sizeof seq) == sizeof seq) {
    acknowledged.insert(seq);
  }
  ::kill(child, SIGKILL);
  // Acknowledgements already in the pipe when the kill landed count too.
  while (::read(fds[0], &seq, sizeof seq) == sizeof seq) acknowledged.insert(seq);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_EQ(acknowledged.size() >= kKillAfter, true);
  LabelQueue reopened(path);
  std::set<int64_t> stored;
  for (const HumanLabel& label : reopened.Labels()) stored.insert(label.seq);
  for (int64_t s : acknowledged) EXPECT_TRUE(stored.count(s)) << "label " << s << " lost";
}

}  // namespace
}  // namespace rlab::feedback
