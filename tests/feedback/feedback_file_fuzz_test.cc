// Fuzzing feedback files: each mutant reads (every record or the good ones before a bad line)
// or fails with an rlab::Error naming the file and line; reopening one for appending keeps or
// drops its torn last line without throwing anything else.
#include <gtest/gtest.h>

#include "fuzz_support.h"
#include "rlab/feedback/feedback_file.h"
#include "test_support.h"

namespace rlab::feedback {
namespace {

using rlab::testing::Fuzz;
using rlab::testing::ScratchDir;
using rlab::testing::WriteText;

const std::vector<std::string> kFeedbackSeeds{
    "{\"step\": 0, \"first\": 3, \"second\": 8, \"label\": 1}\n"
    "{\"step\": 0, \"first\": 1, \"second\": 2, \"label\": 0.5, \"teacher\": \"person\"}\n"
    "{\"step\": 5, \"first\": 4, \"second\": 9, \"label\": null}\n",
    "{\"first\": 0, \"second\": 1, \"label\": 0}\n\n{\"first\": 2, \"second\": 7, \"label\": 1}",
};

const std::vector<std::string> kFeedbackDictionary{"\"step\"",  "\"first\"",   "\"second\"",
                                                   "\"label\"", "\"teacher\"", "0.5"};

TEST(FeedbackFileFuzz, MutatedFeedbackFilesReadOrFailCleanly) {
  ScratchDir dir("feedback-fuzz");
  const auto file = dir / "labels.jsonl";
  rlab::testing::ExpectNoFaults(Fuzz({.name = "feedback-file",
                                      .seeds = kFeedbackSeeds,
                                      .dictionary = kFeedbackDictionary,
                                      .cases = 1500},
                                     [&](const std::string& text) {
                                       WriteText(file, text);
                                       const FeedbackReadResult partial = ReadFeedbackFilePartial(
                                           file, [](int64_t id) { return id < 10; });
                                       (void)partial;
                                       ReadFeedbackFile(file);
                                     }));
}

TEST(FeedbackFileFuzz, MutatedFeedbackFilesReopenForAppendingOrFailCleanly) {
  ScratchDir dir("feedback-append-fuzz");
  const auto file = dir / "labels.jsonl";
  rlab::testing::ExpectNoFaults(Fuzz({.name = "feedback-append",
                                      .seeds = kFeedbackSeeds,
                                      .dictionary = kFeedbackDictionary,
                                      .cases = 200},
                                     [&](const std::string& text) {
                                       WriteText(file, text);
                                       FeedbackWriter writer(file, /*keep_through_step=*/0);
                                       writer.Write(
                                           {.step = 1, .first = 1, .second = 2, .label = 1.0});
                                     }));
}

}  // namespace
}  // namespace rlab::feedback
