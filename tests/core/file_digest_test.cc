#include "rlab/core/file_digest.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace rlab {
namespace {

using testing::ErrorOf;
using testing::ScratchDir;
using testing::WriteText;

// The test vectors of FIPS 180-2, appendix B (one block, empty message, two blocks).
constexpr char kAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kTwoBlocks[] = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr char kTwoBlocksMessage[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

TEST(FileDigest, Sha256OfBytesMatchesFipsVectors) {
  EXPECT_EQ(Sha256Hex("abc"), kAbc);
  EXPECT_EQ(Sha256Hex(""), kEmpty);
  EXPECT_EQ(Sha256Hex(kTwoBlocksMessage), kTwoBlocks);
}

TEST(FileDigest, FileHashEqualsHashOfItsBytesAcrossReadBlocks) {
  ScratchDir dir("file-digest");
  WriteText(dir / "abc.txt", "abc");
  WriteText(dir / "empty.txt", "");
  EXPECT_EQ(FileSha256(dir / "abc.txt"), kAbc);
  EXPECT_EQ(FileSha256(dir / "empty.txt"), kEmpty);
  // Larger than one read block, so the streaming path joins several updates.
  std::string big;
  for (int i = 0; i < 200000; ++i) big.push_back(static_cast<char>('a' + i % 26));
  WriteText(dir / "big.txt", big);
  EXPECT_EQ(FileSha256(dir / "big.txt"), Sha256Hex(big));
}

TEST(FileDigest, MissingFileIsAnErrorNamingIt) {
  ScratchDir dir("file-digest-missing");
  const std::string e = ErrorOf([&] { FileSha256(dir / "nope.jsonl"); });
  EXPECT_NE(e.find("nope.jsonl"), std::string::npos) << e;
  EXPECT_NE(e.find("cannot read"), std::string::npos) << e;
}

}  // namespace
}  // namespace rlab
