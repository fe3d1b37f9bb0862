// rlab data convert --from columns with the column flags, on a CSV file: the flags become the
// layout's keys, --help describes every layout, and column flags with another layout are a
// usage error (exit status 2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace rlab {
namespace {

using testing::Contains;
using testing::ReadText;
using testing::RunRlab;
using testing::WriteText;

TEST(DataConvertColumnsCli, CsvColumnsBecomeTrlFieldsAndOtherLayoutsRefuseTheFlags) {
  testing::ScratchDir dir("data_convert_columns");
  WriteText(dir / "p.csv", "question,good,bad,category\n"
                           "\"Add 2, 3\",5,\"\"\"6\"\", I think\",sums\n");
  const auto convert = RunRlab(
      {"data", "convert", (dir / "p.csv").string(), (dir / "p.jsonl").string(), "--from", "columns",
       "--prompt", "question", "--chosen", "good", "--rejected", "bad", "--subset", "category"});
  ASSERT_EQ(convert.exit_code, 0) << convert.err;
  EXPECT_EQ(nlohmann::json::parse(ReadText(dir / "p.jsonl")),
            nlohmann::json({{"prompt", "Add 2, 3"},
                            {"chosen", "5"},
                            {"rejected", "\"6\", I think"},
                            {"subset", "sums"}}));

  const auto wrong =
      RunRlab({"data", "convert", (dir / "p.csv").string(), (dir / "q.jsonl").string(), "--from",
               "sharegpt", "--chosen", "good"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_TRUE(Contains(wrong.err, "name the columns of --from columns")) << wrong.err;

  const auto help = RunRlab({"data", "convert", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* layout : {"columns", "pairwise-annotated", "sharegpt", "PandaLM", "ShareGPT"}) {
    EXPECT_TRUE(Contains(help.out, layout)) << layout << "\n" << help.out;
  }
}

}  // namespace
}  // namespace rlab
