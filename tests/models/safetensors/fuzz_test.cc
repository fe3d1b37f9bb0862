// Deterministic fuzzing: thousands of mutations of valid files (flipped bytes, changed
// lengths, edited JSON) either load or throw rlab::Error; nothing crashes, hangs or throws
// anything else.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <string_view>

#include "fuzz_support.h"
#include "raw_file.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/models/safetensors/reader.h"
#include "rlab/models/safetensors/writer.h"

namespace rlab::models {
namespace {

namespace raw = rlab::models::testing;

constexpr std::array<c10::ScalarType, 10> kTypes{
    torch::kBool,  torch::kUInt8, torch::kInt8,     torch::kInt16,   torch::kInt32,
    torch::kInt64, torch::kHalf,  torch::kBFloat16, torch::kFloat32, torch::kFloat64};

// Text the JSON edits splice in: structure, numbers at the edges of the integer types, and
// the names the format gives meaning to.
constexpr std::array<std::string_view, 30> kTokens{"{",
                                                   "}",
                                                   "[",
                                                   "]",
                                                   ",",
                                                   ":",
                                                   "\"",
                                                   "\\",
                                                   "null",
                                                   "true",
                                                   "-1",
                                                   "0",
                                                   "1",
                                                   "2.5",
                                                   "1e3",
                                                   "4294967296",
                                                   "9223372036854775807",
                                                   "9223372036854775808",
                                                   "18446744073709551615",
                                                   "99999999999999999999999",
                                                   "\"F16\"",
                                                   "\"BF16\"",
                                                   "\"BOOL\"",
                                                   "\"U64\"",
                                                   "\"F8_E4M3\"",
                                                   "\"__metadata__\"",
                                                   "\"dtype\"",
                                                   "\"shape\"",
                                                   "\"data_offsets\"",
                                                   "\xff"};

std::string RandomFile(Rng& rng) {
  std::map<std::string, torch::Tensor> tensors;
  const int64_t count = 1 + rng.UniformInt(4);
  for (int64_t i = 0; i < count; ++i) {
    std::vector<int64_t> shape(static_cast<size_t>(rng.UniformInt(4)));
    for (int64_t& extent : shape) extent = rng.UniformInt(4);
    const c10::ScalarType type = kTypes[static_cast<size_t>(rng.UniformInt(kTypes.size()))];
    torch::Tensor tensor = torch::randint(0, 2, shape, torch::kInt64).to(type);
    tensors[fmt::format("t{}", i)] = tensor;
  }
  std::map<std::string, std::string> metadata;
  if (rng.Bernoulli(0.5)) metadata["format"] = "pt";
  return SerializeSafetensors(tensors, metadata);
}

uint64_t HeaderLength(const std::string& file) {
  uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length |= uint64_t{static_cast<unsigned char>(file[i])} << (8 * i);
  return length;
}

// Edits the JSON text and rewrites the length field to match, so the edit reaches the parser.
std::string EditJson(const std::string& file, Rng& rng) {
  if (file.size() < 8) return file;
  const uint64_t length = HeaderLength(file);
  if (length > file.size() - 8 || length == 0) return file;
  std::string header = file.substr(8, length);
  const std::string data = file.substr(8 + length);
  const auto position = [&] { return static_cast<size_t>(rng.UniformInt(header.size() + 1)); };
  const auto token = [&] {
    return std::string(kTokens[static_cast<size_t>(rng.UniformInt(kTokens.size()))]);
  };
  switch (rng.UniformInt(4)) {
    case 0: {  // delete a few characters
      const size_t at = position();
      header.erase(at, static_cast<size_t>(1 + rng.UniformInt(8)));
      break;
    }
    case 1:  // insert a token
      header.insert(position(), token());
      break;
    case 2: {  // replace the digits of a number
      const size_t at = header.find_first_of("0123456789", position());
      if (at == std::string::npos) break;
      const size_t stop = header.find_first_not_of("0123456789", at);
      header.replace(at, stop - at, token());
      break;
    }
    default: {  // duplicate a slice somewhere else
      const size_t at = position();
      const std::string slice = header.substr(at, static_cast<size_t>(1 + rng.UniformInt(40)));
      header.insert(position(), slice);
      break;
    }
  }
  return raw::LengthField(header.size()) + header + data;
}

std::string Mutate(std::string file, Rng& rng) {
  const int64_t steps = 1 + rng.UniformInt(2);
  for (int64_t step = 0; step < steps; ++step) {
    const auto anywhere = [&] { return static_cast<size_t>(rng.UniformInt(file.size())); };
    switch (rng.UniformInt(8)) {
      case 0:  // flip a bit
        if (!file.empty()) file[anywhere()] ^= static_cast<char>(1 << rng.UniformInt(8));
        break;
      case 1:  // overwrite a byte
        if (!file.empty()) file[anywhere()] = static_cast<char>(rng.UniformInt(256));
        break;
      case 2:  // truncate
        file.resize(static_cast<size_t>(rng.UniformInt(file.size() + 1)));
        break;
      case 3:  // append junk
        for (int64_t i = 1 + rng.UniformInt(16); i > 0; --i) {
          file.push_back(static_cast<char>(rng.UniformInt(256)));
        }
        break;
      case 4: {  // change the length field
        if (file.size() < 8) break;
        const uint64_t length =
            rng.Bernoulli(0.2) ? rng.NextU64() : HeaderLength(file) + rng.UniformInt(33) - 16;
        file.replace(0, 8, raw::LengthField(length));
        break;
      }
      default: file = EditJson(file, rng); break;
    }
  }
  return file;
}

TEST(SafetensorsFuzz, MutatedFilesLoadOrFailCleanly) {
  Rng rng(20240607);
  std::vector<std::string> seeds;
  for (int i = 0; i < 16; ++i) seeds.push_back(RandomFile(rng));
  int loaded = 0;
  int rejected = 0;
  const int64_t kCases = 20000 * rlab::testing::FuzzScale();  // bench/fuzz_long.sh: 100 times
  for (int64_t i = 0; i < kCases; ++i) {
    const std::string& seed = seeds[static_cast<size_t>(rng.UniformInt(seeds.size()))];
    const std::string file = Mutate(seed, rng);
    try {
      const SafetensorsContents contents = ParseSafetensors(file, "fuzz.safetensors");
      for (const auto& [name, tensor] : contents.tensors) {
        // Reading every element proves the tensor's memory is valid.
        EXPECT_LE(tensor.nbytes(), file.size()) << "case " << i << ", tensor " << name;
        (void)tensor.to(torch::kFloat64).sum().item<double>();
      }
      ++loaded;
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "case " << i << " threw something other than rlab::Error: " << e.what();
    }
  }
  EXPECT_EQ(loaded + rejected, kCases);
  // Both outcomes occur, so the mutations neither always break nor never break the file.
  EXPECT_GT(loaded, kCases / 100);
  EXPECT_GT(rejected, kCases / 2);
}

}  // namespace
}  // namespace rlab::models
