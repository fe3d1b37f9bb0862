#include "rlab/core/export/tfrecord.h"

#include <array>

#include "rlab/core/export/little_endian.h"

namespace rlab::tfrecord {
namespace {

constexpr uint32_t kCastagnoliReflected = 0x82F63B78u;
constexpr uint32_t kMaskDelta = 0xa282ead8u;
constexpr size_t kLengthBytes = 8;
constexpr size_t kCrcBytes = 4;

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kCastagnoliReflected : 0u);
    table[byte] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

}  // namespace

uint32_t Crc32c(std::string_view bytes) {
  uint32_t crc = 0xffffffffu;
  for (const char c : bytes)
    crc = (crc >> 8) ^ kCrcTable[(crc ^ static_cast<unsigned char>(c)) & 0xff];
  return crc ^ 0xffffffffu;
}

uint32_t MaskedCrc32c(std::string_view bytes) {
  const uint32_t crc = Crc32c(bytes);
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}

std::string Frame(std::string_view data) {
  std::string record;
  record.reserve(kLengthBytes + 2 * kCrcBytes + data.size());
  AppendLittleEndian<uint64_t>(record, data.size());
  AppendLittleEndian<uint32_t>(record,
                               MaskedCrc32c(std::string_view(record).substr(0, kLengthBytes)));
  record.append(data);
  AppendLittleEndian<uint32_t>(record, MaskedCrc32c(data));
  return record;
}

std::vector<std::string> Unframe(std::string_view file_bytes) {
  std::vector<std::string> records;
  size_t offset = 0;
  while (file_bytes.size() - offset >= kLengthBytes + kCrcBytes) {
    const std::string_view header = file_bytes.substr(offset, kLengthBytes);
    if (ReadLittleEndian<uint32_t>(file_bytes.substr(offset + kLengthBytes)) !=
        MaskedCrc32c(header))
      break;
    const uint64_t length = ReadLittleEndian<uint64_t>(header);
    const size_t data_start = offset + kLengthBytes + kCrcBytes;
    if (file_bytes.size() - data_start < kCrcBytes ||
        file_bytes.size() - data_start - kCrcBytes < length)
      break;
    const std::string_view data = file_bytes.substr(data_start, length);
    if (ReadLittleEndian<uint32_t>(file_bytes.substr(data_start + length)) != MaskedCrc32c(data))
      break;
    records.emplace_back(data);
    offset = data_start + length + kCrcBytes;
  }
  return records;
}

}  // namespace rlab::tfrecord
