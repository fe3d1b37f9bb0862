// Writing then reading gives back the same tensors, bit for bit, for every dtype; reduced and
// wide floats convert to float32 on request with exactly the expected values.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "raw_file.h"
#include "rlab/core/check.h"
#include "rlab/models/safetensors/reader.h"
#include "rlab/models/safetensors/writer.h"
#include "test_support.h"

namespace rlab::models {
namespace {

using rlab::testing::ErrorOf;
using rlab::testing::ScratchDir;
namespace raw = rlab::models::testing;

// Same dtype, same shape and the same bytes (so NaN and -0.0 count as equal to themselves).
void ExpectSameBytes(const torch::Tensor& expected, const torch::Tensor& actual,
                     const std::string& name) {
  SCOPED_TRACE(name);
  ASSERT_TRUE(actual.defined());
  EXPECT_EQ(actual.scalar_type(), expected.scalar_type());
  ASSERT_EQ(actual.sizes(), expected.sizes());
  const torch::Tensor a = expected.contiguous();
  const torch::Tensor b = actual.contiguous();
  EXPECT_EQ(std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()), 0);
}

std::map<std::string, torch::Tensor> EveryDtype() {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::map<std::string, torch::Tensor> t;
  t["bool"] = torch::tensor({true, false, true});
  t["u8"] = torch::tensor({0, 255, 7}, torch::kUInt8);
  t["i8"] = torch::tensor({-128, 127, 0}, torch::kInt8);
  t["i16"] = torch::tensor({-32768, 32767, 1}, torch::kInt16);
  t["i32"] =
      torch::tensor({std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), -1},
                    torch::kInt32);
  t["i64"] = torch::tensor(
      {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{42}},
      torch::kInt64);
  t["f16"] = torch::tensor({1.0f, -2.5f, 0.15625f, 65504.0f}).to(torch::kHalf);
  t["bf16"] = torch::tensor({1.0f, -3.0f, 0.333984375f, 1e30f}).to(torch::kBFloat16);
  t["f32"] = torch::tensor({1.5f, -0.0f, inf, nan, 1e-45f});
  t["f64"] = torch::tensor({0.1, -1e300, 5e-324}, torch::kDouble);
  t["matrix"] = torch::arange(6, torch::kFloat32).reshape({2, 3});        // [2, 3]
  t["transposed"] = torch::arange(6, torch::kInt64).reshape({2, 3}).t();  // [3, 2], strided
  t["scalar"] = torch::tensor(7.25);                                      // []
  t["empty"] = torch::zeros({0, 3}, torch::kInt16);                       // [0, 3]
  return t;
}

TEST(SafetensorsRoundTrip, EveryDtypeIsBitExact) {
  ScratchDir dir("safetensors-roundtrip");
  const auto tensors = EveryDtype();
  std::set<c10::ScalarType> types;
  for (const auto& [name, tensor] : tensors) types.insert(tensor.scalar_type());
  ASSERT_EQ(types.size(), 10u);  // BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64
  const std::map<std::string, std::string> metadata{{"format", "pt"}, {"note", "π ≈ 3.14"}};
  WriteSafetensors(dir / "model.safetensors", tensors, metadata);
  const SafetensorsContents loaded = ReadSafetensors(dir / "model.safetensors");
  EXPECT_EQ(loaded.metadata, metadata);
  ASSERT_EQ(loaded.tensors.size(), tensors.size());
  for (const auto& [name, tensor] : tensors) ExpectSameBytes(tensor, loaded.tensors.at(name), name);

  // In memory, the same bytes give the same tensors.
  const std::string bytes = SerializeSafetensors(tensors, metadata);
  EXPECT_EQ(bytes, rlab::testing::ReadText(dir / "model.safetensors"));
  const SafetensorsContents parsed = ParseSafetensors(bytes, "memory");
  for (const auto& [name, tensor] : tensors) ExpectSameBytes(tensor, parsed.tensors.at(name), name);
}

TEST(SafetensorsRoundTrip, DataIsOrderedByElementSizeThenName) {
  std::map<std::string, torch::Tensor> tensors;
  tensors["a_bytes"] = torch::zeros({3}, torch::kUInt8);
  tensors["b_floats"] = torch::zeros({2}, torch::kFloat32);
  tensors["c_longs"] = torch::zeros({1}, torch::kInt64);
  tensors["d_floats"] = torch::zeros({1}, torch::kFloat32);
  const std::string bytes = SerializeSafetensors(tensors);
  const SafetensorsHeader header = ParseSafetensorsHeader(bytes, bytes.size(), "memory");
  ASSERT_EQ(header.entries.size(), 4u);
  const std::vector<std::string> order{"c_longs", "b_floats", "d_floats", "a_bytes"};
  const std::vector<uint64_t> begins{0, 8, 16, 20};
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(header.entries[i].name, order[i]);
    EXPECT_EQ(header.entries[i].begin, begins[i]);
  }
  EXPECT_EQ(header.data_start % 8, 0u);
  EXPECT_EQ(header.data_size, 23u);
}

// Half-precision bit patterns and the float32 values they stand for, worked out by hand:
// sign, exponent (bias 15) and 10-bit mantissa.
TEST(SafetensorsConversion, F16ToFloat32) {
  const uint16_t bits[] = {0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x7C00, 0x8000};
  const float expected[] = {1.0f,
                            -2.0f,
                            0.333251953125f,
                            65504.0f,
                            5.9604644775390625e-8f,
                            std::numeric_limits<float>::infinity(),
                            -0.0f};
  const std::string header = R"({"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]}})";
  const std::string file =
      raw::RawFile(header, std::string(reinterpret_cast<const char*>(bits), sizeof bits));
  const SafetensorsContents kept = ParseSafetensors(file, "f16.safetensors");
  EXPECT_EQ(kept.tensors.at("h").scalar_type(), torch::kHalf);
  const SafetensorsContents converted =
      ParseSafetensors(file, "f16.safetensors", {.to_float32 = true});
  const torch::Tensor h = converted.tensors.at("h");
  ASSERT_EQ(h.scalar_type(), torch::kFloat32);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(h[i].item<float>(), expected[i]) << "element " << i;
    EXPECT_EQ(std::signbit(h[i].item<float>()), std::signbit(expected[i])) << "element " << i;
  }
}

// bfloat16 is the upper half of a float32: sign, exponent (bias 127) and 7-bit mantissa.
TEST(SafetensorsConversion, BF16ToFloat32) {
  const uint16_t bits[] = {0x3F80, 0xC040, 0x3EAB, 0x7F7F, 0x0001, 0xFF80};
  const float expected[] = {1.0f,
                            -3.0f,
                            0.333984375f,
                            3.3895313892515355e38f,
                            9.183549615799121e-41f,
                            -std::numeric_limits<float>::infinity()};
  const std::string header = R"({"b":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}})";
  const std::string file =
      raw::RawFile(header, std::string(reinterpret_cast<const char*>(bits), sizeof bits));
  const torch::Tensor b =
      ParseSafetensors(file, "bf16.safetensors", {.to_float32 = true}).tensors.at("b");
  ASSERT_EQ(b.scalar_type(), torch::kFloat32);
  ASSERT_EQ(b.sizes(), (std::vector<int64_t>{2, 3}));
  const torch::Tensor flat = b.reshape({6});  // [6]
  for (int i = 0; i < 6; ++i) EXPECT_EQ(flat[i].item<float>(), expected[i]) << "element " << i;
}

TEST(SafetensorsConversion, F64RoundsToNearestFloat32AndIntegersStay) {
  std::map<std::string, torch::Tensor> tensors;
  tensors["d"] = torch::tensor({0.1, 1.0 / 3.0}, torch::kDouble);
  tensors["i"] = torch::tensor({int64_t{5}});
  const SafetensorsContents loaded =
      ParseSafetensors(SerializeSafetensors(tensors), "memory", {.to_float32 = true});
  EXPECT_EQ(ParseSafetensors(SerializeSafetensors(tensors), "memory").tensors.at("d").scalar_type(),
            torch::kFloat64);
  const torch::Tensor d = loaded.tensors.at("d");
  ASSERT_EQ(d.scalar_type(), torch::kFloat32);
  EXPECT_EQ(d[0].item<float>(), 0.1f);
  EXPECT_EQ(d[1].item<float>(), 1.0f / 3.0f);
  EXPECT_EQ(loaded.tensors.at("i").scalar_type(), torch::kInt64);
}

// An I32 tensor at an odd offset cannot be a view of the buffer; it is copied and still right.
TEST(SafetensorsReader, UnalignedTensorsAreCopied) {
  const int32_t value = -123456789;
  std::string data = "abc";
  data.append(reinterpret_cast<const char*>(&value), sizeof value);
  std::string header = R"({"c":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},)"
                       R"("i":{"dtype":"I32","shape":[1],"data_offsets":[3,7]}})";
  header.append((8 - header.size() % 8) % 8, ' ');  // the data section itself starts aligned
  const SafetensorsContents loaded = ParseSafetensors(raw::RawFile(header, data), "odd");
  EXPECT_EQ(loaded.tensors.at("i").item<int32_t>(), value);
  EXPECT_EQ(loaded.tensors.at("c")[2].item<uint8_t>(), 'c');
}

TEST(SafetensorsReader, TensorsOutliveTheRestOfTheFile) {
  torch::Tensor kept;
  {
    std::map<std::string, torch::Tensor> tensors;
    tensors["a"] = torch::arange(1000, torch::kFloat32);
    tensors["b"] = torch::ones({1000});
    kept = ParseSafetensors(SerializeSafetensors(tensors), "memory").tensors.at("a");
  }
  EXPECT_EQ(kept.sum().item<float>(), 999.0f * 1000.0f / 2.0f);
}

TEST(SafetensorsReader, HeaderOnlyReadListsTheTensors) {
  ScratchDir dir("safetensors-header-only");
  std::map<std::string, torch::Tensor> tensors;
  tensors["w"] = torch::zeros({4, 5});
  tensors["b"] = torch::zeros({5}, torch::kBFloat16);
  WriteSafetensors(dir / "m.safetensors", tensors, {{"format", "pt"}});
  const SafetensorsHeader header = ReadSafetensorsHeader(dir / "m.safetensors");
  ASSERT_EQ(header.entries.size(), 2u);
  EXPECT_EQ(header.entries[0].name, "w");
  EXPECT_EQ(header.entries[0].shape, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(header.entries[1].dtype, SafetensorsDtype::kBF16);
  EXPECT_EQ(header.metadata.at("format"), "pt");
}

TEST(SafetensorsWriter, ReplacesFilesAtomicallyAndLeavesNoTemporaryFile) {
  ScratchDir dir("safetensors-atomic");
  WriteSafetensors(dir / "m.safetensors", {{"x", torch::ones({2})}});
  WriteSafetensors(dir / "m.safetensors", {{"y", torch::zeros({3})}});
  const SafetensorsContents loaded = ReadSafetensors(dir / "m.safetensors");
  EXPECT_EQ(loaded.tensors.count("x"), 0u);
  EXPECT_EQ(loaded.tensors.at("y").numel(), 3);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "m.safetensors");
  }
  EXPECT_EQ(files, 1);
}

TEST(SafetensorsWriter, RefusesWhatTheFormatCannotHold) {
  EXPECT_NE(ErrorOf([] {
              SerializeSafetensors({{"__metadata__", torch::ones({1})}});
            }).find("reserved for metadata"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              SerializeSafetensors({{"u", torch::Tensor()}});
            }).find("'u' is undefined"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              SerializeSafetensors({{"c", torch::ones({1}, torch::kComplexFloat)}});
            }).find("tensor 'c': libtorch type ComplexFloat has no safetensors dtype"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              SerializeSafetensors({{"bad\xff", torch::ones({1})}});
            }).find("not valid UTF-8"),
            std::string::npos);
  ScratchDir dir("safetensors-unwritable");
  EXPECT_NE(ErrorOf([&] {
              WriteSafetensors(dir / "missing" / "m.safetensors", {});
            }).find("cannot write"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::models
