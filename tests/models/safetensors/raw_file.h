// Builds safetensors files byte by byte, so tests can state exactly what a file holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rlab::models::testing {

// The 8-byte little-endian length field.
inline std::string LengthField(uint64_t length) {
  std::string field(8, '\0');
  for (int i = 0; i < 8; ++i) field[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return field;
}

// A file: length field, `header` exactly as given (no padding), then `data`.
inline std::string RawFile(std::string_view header, std::string_view data = {}) {
  return LengthField(header.size()) + std::string(header) + std::string(data);
}

// `count` little-endian float32 values 0, 1, 2, ...: data for F32 tensors.
inline std::string F32Bytes(int count) {
  std::string bytes;
  for (int i = 0; i < count; ++i) {
    const float value = static_cast<float>(i);
    bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  return bytes;
}

}  // namespace rlab::models::testing
