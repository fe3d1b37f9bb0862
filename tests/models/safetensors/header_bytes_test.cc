// The exact bytes the writer produces, spelled out by hand: length field, sorted JSON keys,
// space padding to a multiple of 8, little-endian data.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "raw_file.h"
#include "rlab/models/safetensors/reader.h"
#include "rlab/models/safetensors/writer.h"

namespace rlab::models {
namespace {

using namespace std::string_literals;

TEST(SafetensorsBytes, OneTensorWithMetadata) {
  const std::string expected =
      "\x58\x00\x00\x00\x00\x00\x00\x00"s  // header length 88 = 85 bytes of JSON + 3 spaces
      R"({"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})"
      "   "
      "\x00\x00\x80\x3f"s   // 1.0f
      "\x00\x00\x00\xc0"s;  // -2.0f
  const std::string written =
      SerializeSafetensors({{"x", torch::tensor({1.0f, -2.0f})}}, {{"format", "pt"}});
  EXPECT_EQ(written, expected);
}

TEST(SafetensorsBytes, KeysSortedByNameDataSortedByElementSize) {
  const std::string expected =
      "\x70\x00\x00\x00\x00\x00\x00\x00"s  // header length 112 = 107 bytes of JSON + 5 spaces
      R"({"a":{"dtype":"I16","shape":[],"data_offsets":[8,10]},)"
      R"("b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})"
      "     "
      "\x00\x00\x00\x00\x00\x00\xf0\x3f"s  // b = 1.0 (double)
      "\x05\x00"s;                         // a = 5 (int16)
  std::map<std::string, torch::Tensor> tensors;
  tensors["a"] = torch::tensor(int16_t{5});             // []
  tensors["b"] = torch::tensor({1.0}, torch::kDouble);  // [1]
  EXPECT_EQ(SerializeSafetensors(tensors), expected);
}

TEST(SafetensorsBytes, NoTensors) {
  EXPECT_EQ(SerializeSafetensors({}), "\x08\x00\x00\x00\x00\x00\x00\x00{}      "s);
  const SafetensorsContents loaded = ParseSafetensors(SerializeSafetensors({}), "empty");
  EXPECT_TRUE(loaded.tensors.empty());
  EXPECT_TRUE(loaded.metadata.empty());
}

// Other writers order fields differently and format the JSON freely; all of it is valid.
TEST(SafetensorsBytes, ReadsAnyFieldOrderAndWhitespace) {
  const std::string header = R"({
    "w" : { "data_offsets" : [0, 8], "shape" : [2, 1], "dtype" : "F32" },
    "__metadata__" : { "source" : "hand" }
  }   )";
  const SafetensorsContents loaded =
      ParseSafetensors(testing::RawFile(header, testing::F32Bytes(2)), "hand.safetensors");
  const torch::Tensor w = loaded.tensors.at("w");  // [2, 1]
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(w[1][0].item<float>(), 1.0f);
  EXPECT_EQ(loaded.metadata.at("source"), "hand");
}

}  // namespace
}  // namespace rlab::models
