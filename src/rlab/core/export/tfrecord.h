// TFRecord framing, the container of TensorBoard event files: each record is
//   uint64 length (little-endian), uint32 masked CRC32C of those 8 bytes,
//   `length` bytes of data, uint32 masked CRC32C of the data.
// The CRC is CRC32C (Castagnoli), masked as ((crc >> 15) | (crc << 17)) + 0xa282ead8 so that
// a CRC of data that itself holds CRCs is not trivially related to them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rlab::tfrecord {

// CRC32C (polynomial 0x82F63B78, reflected) of `bytes`; Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(std::string_view bytes);
uint32_t MaskedCrc32c(std::string_view bytes);

// One framed record holding `data`.
std::string Frame(std::string_view data);

// The data of every whole record at the start of `file_bytes`, in order. Reading stops at
// the first record that is cut short or whose CRCs do not match (a writer killed mid-record).
std::vector<std::string> Unframe(std::string_view file_bytes);

}  // namespace rlab::tfrecord
