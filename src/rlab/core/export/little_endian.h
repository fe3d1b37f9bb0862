// Little-endian integers in byte strings, the byte order of TFRecord framing and of protocol
// buffers' fixed-width fields.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rlab {

template <class Unsigned>
void AppendLittleEndian(std::string& out, Unsigned value) {
  for (size_t i = 0; i < sizeof(Unsigned); ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

// Reads sizeof(Unsigned) bytes from the start of `bytes` (which must hold that many).
template <class Unsigned>
Unsigned ReadLittleEndian(std::string_view bytes) {
  Unsigned value = 0;
  for (size_t i = 0; i < sizeof(Unsigned); ++i) {
    value |= static_cast<Unsigned>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return value;
}

}  // namespace rlab
