// JSON text from files: a number too large for a double (1e400) is an rlab::Error naming the
// file, the line and the field, in JSON Lines files and whole documents alike.
#include "rlab/core/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rlab/core/io.h"
#include "test_support.h"

namespace rlab {
namespace {

using testing::Contains;
using testing::ErrorOf;

TEST(JsonText, AnOverflowingNumberInAJsonlRecordNamesFileLineAndField) {
  testing::ScratchDir dir("json-text");
  const auto file = dir / "prefs.jsonl";
  testing::WriteText(file, "{\"prompt\": \"a\", \"margin\": 1}\n"
                           "{\"prompt\": \"b\", \"scores\": {\"chosen\": [2, 1e400]}}\n");
  const std::string e = ErrorOf([&] { ForEachJsonl(file, [](const nlohmann::json&) {}); });
  EXPECT_TRUE(Contains(e, file.string() + ":2: field 'scores.chosen': number overflow parsing "
                                          "'1e400'; write a finite number"))
      << e;
}

TEST(JsonText, AnOverflowingNumberInADocumentNamesFileAndField) {
  testing::ScratchDir dir("json-text-doc");
  const auto file = dir / "config.json";
  testing::WriteText(file, "{\"model_type\": \"gpt2\",\n \"layer_norm_epsilon\": -1e999}\n");
  const std::string e = ErrorOf([&] { ReadJsonFile(file); });
  EXPECT_TRUE(Contains(e, file.string() + ": field 'layer_norm_epsilon': number overflow")) << e;
}

TEST(JsonText, SyntaxErrorsKeepTheirPosition) {
  EXPECT_TRUE(Contains(ErrorOf([] { ParseJsonLine("{\"a\": }", "f.jsonl:7"); }),
                       "f.jsonl:7: malformed JSON at column 7: syntax error"));
  EXPECT_TRUE(Contains(ErrorOf([] { ParseJsonDocument("{\"a\": 1", "f.json"); }),
                       "f.json: not valid JSON (byte 8)"));
  // A key after a closed object is not taken for a field of it.
  EXPECT_TRUE(Contains(ErrorOf([] { ParseJsonLine(R"({"a": {"b": 1}, "c": 1e400})", "x"); }),
                       "x: field 'c': number overflow"));
  EXPECT_TRUE(Contains(ErrorOf([] { ParseJsonLine("[1e400]", "x"); }), "x: number overflow"));
  EXPECT_EQ(ParseJsonLine(R"({"a": [1, {"b": 2}]})", "x")["a"][1]["b"], 2);
}

}  // namespace
}  // namespace rlab
