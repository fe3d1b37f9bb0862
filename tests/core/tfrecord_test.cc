#include "rlab/core/export/tfrecord.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rlab::tfrecord {
namespace {

TEST(TfRecord, Crc32cMatchesTheCastagnoliCheckValue) {
  // The check value of CRC-32C (RFC 3720, appendix B.4): the CRC of "123456789".
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
  const uint32_t crc = Crc32c("123456789");
  EXPECT_EQ(MaskedCrc32c("123456789"), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST(TfRecord, FramesRoundTripAndATornRecordEndsTheRead) {
  const std::vector<std::string> data = {"first", "", std::string(300, 'x')};
  std::string file;
  for (const std::string& d : data) file += Frame(d);
  EXPECT_EQ(Frame("abc").size(), 8u + 4u + 3u + 4u);
  EXPECT_EQ(Unframe(file), data);
  // A writer killed mid-record leaves a prefix of a record: the whole ones before it are read.
  EXPECT_EQ(Unframe(file.substr(0, file.size() - 5)), (std::vector<std::string>{"first", ""}));
  // A flipped byte in the data fails its CRC.
  std::string damaged = file;
  damaged[12] ^= 1;
  EXPECT_TRUE(Unframe(damaged).empty());
}

}  // namespace
}  // namespace rlab::tfrecord
