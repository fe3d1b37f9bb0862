// Every malformed or truncated file gives an rlab::Error that names the file, the tensor and
// the field at fault.
#include <gtest/gtest.h>
#include <torch/torch.h>

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

struct Malformed {
  std::string what;
  std::string file;                   // the whole file
  std::vector<std::string> mentions;  // each must appear in the error
};

// One F32 tensor 'w' of shape [2] with the given header fields, and 8 bytes of data.
std::string WithW(const std::string& fields, const std::string& data = raw::F32Bytes(2)) {
  return raw::RawFile(R"({"w":{)" + fields + "}}", data);
}

// "[1,1,...,1]" with `count` entries.
std::string Ones(int count) {
  std::string list = "[1";
  for (int i = 1; i < count; ++i) list += ",1";
  return list + "]";
}

std::vector<Malformed> Cases() {
  const std::string ok_dtype = R"("dtype":"F32",)";
  const std::string ok_shape = R"("shape":[2],)";
  const std::string ok_offsets = R"("data_offsets":[0,8])";
  return {
      {"unknown dtype",
       WithW(R"("dtype":"F33",)" + ok_shape + ok_offsets),
       {"tensor 'w'", "dtype \"F33\" is not a safetensors dtype", "BF16"}},
      {"dtype not a string",
       WithW(R"("dtype":4,)" + ok_shape + ok_offsets),
       {"tensor 'w'", "dtype must be a string"}},
      {"missing dtype", WithW(ok_shape + ok_offsets), {"tensor 'w'", "missing field 'dtype'"}},
      {"missing shape", WithW(ok_dtype + ok_offsets), {"tensor 'w'", "missing field 'shape'"}},
      {"missing offsets",
       WithW(ok_dtype + R"("shape":[2])"),
       {"tensor 'w'", "missing field 'data_offsets'"}},
      {"unknown field",
       WithW(ok_dtype + ok_shape + ok_offsets + R"(,"offsets":[0,8])"),
       {"tensor 'w'", "unknown field 'offsets'"}},
      {"repeated field",
       WithW(ok_dtype + ok_dtype + ok_shape + ok_offsets),
       {"tensor 'w'", "field 'dtype' appears twice"}},
      {"negative extent",
       WithW(ok_dtype + R"("shape":[2,-2],)" + ok_offsets),
       {"tensor 'w'", "shape entry 1 is -2"}},
      {"fractional extent",
       WithW(ok_dtype + R"("shape":[2.5],)" + ok_offsets),
       {"tensor 'w'", "shape entry 0 is 2.5"}},
      {"string extent",
       WithW(ok_dtype + R"("shape":["2"],)" + ok_offsets),
       {"tensor 'w'", "shape entry 0 is \"2\""}},
      {"shape not an array",
       WithW(ok_dtype + R"("shape":2,)" + ok_offsets),
       {"tensor 'w'", "shape must be an array"}},
      {"too many elements",
       WithW(ok_dtype + R"("shape":[4294967296,4294967296],)" + ok_offsets),
       {"tensor 'w'", "shape", "more elements than a tensor can hold"}},
      {"too many dimensions",
       WithW(ok_dtype + R"("shape":)" + Ones(65) + "," + ok_offsets),
       {"tensor 'w'", "shape has 65 dimensions"}},
      {"offsets of three numbers",
       WithW(ok_dtype + ok_shape + R"("data_offsets":[0,4,8])"),
       {"tensor 'w'", "data_offsets must be [begin, end]"}},
      {"negative offset",
       WithW(ok_dtype + ok_shape + R"("data_offsets":[-1,8])"),
       {"tensor 'w'", "data_offsets [-1,8] must be non-negative integers"}},
      {"offsets reversed",
       WithW(ok_dtype + ok_shape + R"("data_offsets":[8,0])"),
       {"tensor 'w'", "data_offsets [8, 0] end before they begin"}},
      {"offsets past the data",
       WithW(ok_dtype + ok_shape + R"("data_offsets":[0,16])"),
       {"tensor 'w'", "data_offsets [0, 16] exceed the data section of 8 bytes"}},
      {"offsets disagree with shape",
       WithW(ok_dtype + R"("shape":[3],)" + ok_offsets),
       {"tensor 'w'", "data_offsets [0, 8] span 8 bytes, but dtype F32 and shape [3] need 12"}},
      {"offsets disagree with dtype",
       WithW(R"("dtype":"F64",)" + ok_shape + ok_offsets),
       {"tensor 'w'", "dtype F64 and shape [2] need 16"}},
      {"overlap",
       raw::RawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                    R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                    raw::F32Bytes(3)),
       {"tensor 'b'", "data_offsets [4, 12] overlap tensor 'a' at [0, 8]"}},
      {"gap",
       raw::RawFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                    R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                    raw::F32Bytes(3)),
       {"tensor 'b'", "data_offsets [8, 12] leave bytes [4, 8) of the data section unused"}},
      {"gap at the start",
       WithW(ok_dtype + R"("shape":[1],"data_offsets":[4,8])"),
       {"tensor 'w'", "data_offsets [4, 8] leave bytes [0, 4)"}},
      {"trailing bytes",
       WithW(ok_dtype + ok_shape + ok_offsets, raw::F32Bytes(3)),
       {"data section holds 12 bytes", "cover only the first 8", "4 trailing bytes"}},
      {"repeated tensor",
       raw::RawFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                    R"("w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                    raw::F32Bytes(2)),
       {"tensor 'w' appears twice"}},
      {"entry not an object",
       raw::RawFile(R"({"w":[1,2]})"),
       {"tensor 'w'", "expected an object with dtype, shape and data_offsets"}},
      {"nested too deep",
       WithW(ok_dtype + R"("shape":[[2]],)" + ok_offsets),
       {"tensor 'w'", "nests deeper"}},
      {"metadata value not a string",
       raw::RawFile(R"({"__metadata__":{"epochs":3}})"),
       {"__metadata__: key 'epochs' holds 3; metadata values must be strings"}},
      {"metadata not an object",
       raw::RawFile(R"({"__metadata__":"pt"})"),
       {"__metadata__ must be an object of strings"}},
      {"header not JSON",
       raw::RawFile(R"({"w":{"dtype":"F32",}})"),
       {"the header is not valid UTF-8 JSON", "at byte"}},
      {"number out of range",
       WithW(ok_dtype + R"("shape":[1e999],)" + ok_offsets),
       {"not valid UTF-8 JSON", "number overflow"}},
      {"header not UTF-8", raw::RawFile("{\"w\xff\":{}}"), {"not valid UTF-8 JSON"}},
      {"header not an object", raw::RawFile(R"(["w"])"), {"does not start with '{'"}},
      {"header with trailing text", raw::RawFile(R"({} {})"), {"not valid UTF-8 JSON"}},
      {"header length too large",
       raw::LengthField(uint64_t{1} << 40) + "{}",
       {"header length 1099511627776 exceeds the limit of 100000000 bytes"}},
      {"header length past the file",
       raw::LengthField(100) + "{}      ",
       {"header length 100 runs past the end of the file (16 bytes): the file is truncated"}},
      {"header length zero", raw::LengthField(0), {"header length 0 is too short"}},
      {"shorter than the length field",
       std::string("\x02\x00\x00", 3),
       {"the file holds 3 bytes, fewer than the 8-byte header length"}},
      {"dtype libtorch lacks",
       raw::RawFile(R"({"u":{"dtype":"U16","shape":[2],"data_offsets":[0,4]}})", "abcd"),
       {"tensor 'u'", "dtype U16 has no libtorch 1.13 equivalent"}},
      {"bool byte other than 0 or 1",
       raw::RawFile(R"({"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})",
                    std::string("\x01\x00\x02", 3)),
       {"tensor 'm'", "element 2 of the BOOL data is byte 2"}},
  };
}

TEST(SafetensorsMalformed, EachCaseNamesFileTensorAndField) {
  for (const Malformed& c : Cases()) {
    SCOPED_TRACE(c.what);
    const std::string error = ErrorOf([&] { ParseSafetensors(c.file, "model.safetensors"); });
    ASSERT_FALSE(error.empty()) << "no error";
    EXPECT_NE(error.find("model.safetensors: "), std::string::npos) << error;
    for (const std::string& mention : c.mentions) {
      EXPECT_NE(error.find(mention), std::string::npos) << "'" << mention << "' not in: " << error;
    }
  }
}

TEST(SafetensorsMalformed, MissingFileAndDirectory) {
  ScratchDir dir("safetensors-missing");
  EXPECT_NE(ErrorOf([&] { ReadSafetensors(dir / "absent.safetensors"); }).find("cannot read"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { ReadSafetensors(dir.path()); }).find("not a regular file"),
            std::string::npos);
}

// A small file with metadata and several dtypes, cut at every byte, from files and from
// memory, by the full reader and the header-only reader: always an rlab::Error, never a crash.
TEST(SafetensorsMalformed, TruncationAtEveryByteIsAnError) {
  std::map<std::string, torch::Tensor> tensors;
  tensors["embed"] = torch::arange(6, torch::kFloat32).reshape({2, 3});  // [2, 3]
  tensors["ids"] = torch::tensor({int64_t{3}, int64_t{-1}});
  tensors["half"] = torch::ones({3}, torch::kHalf);
  tensors["mask"] = torch::tensor({true, false});
  const std::string bytes = SerializeSafetensors(tensors, {{"format", "pt"}});
  ScratchDir dir("safetensors-truncated");
  const auto path = dir / "cut.safetensors";
  for (size_t length = 0; length < bytes.size(); ++length) {
    SCOPED_TRACE("cut at byte " + std::to_string(length));
    const std::string prefix = bytes.substr(0, length);
    rlab::testing::WriteText(path, prefix);
    const std::string from_file = ErrorOf([&] { ReadSafetensors(path); });
    EXPECT_NE(from_file.find("cut.safetensors"), std::string::npos) << from_file;
    EXPECT_FALSE(ErrorOf([&] { ReadSafetensorsHeader(path); }).empty());
    EXPECT_FALSE(ErrorOf([&] { ParseSafetensors(prefix, "cut"); }).empty());
  }
  rlab::testing::WriteText(path, bytes);
  EXPECT_EQ(ReadSafetensors(path).tensors.size(), 4u);
}

}  // namespace
}  // namespace rlab::models
