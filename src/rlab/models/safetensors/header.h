// The header of a safetensors file: an 8-byte little-endian length N, then N bytes of JSON
// mapping each tensor's name to {"dtype", "shape", "data_offsets": [begin, end]}, with an
// optional "__metadata__" object of strings. The tensors' bytes follow the header (the "data
// section"); offsets count from its start and must cover it exactly, without gaps or overlaps.
//
// Parsing checks every field and every number before anything uses it, so a damaged or
// hostile file gives an rlab::Error naming the file, the tensor and the field, never an
// out-of-bounds read.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/models/safetensors/dtype.h"

namespace rlab::models {

// The reference implementation refuses headers above this size; so do we.
inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;
// Bytes of the length field that opens every file.
inline constexpr uint64_t kSafetensorsLengthBytes = 8;

// One tensor's record. begin and end are byte offsets into the data section.
struct SafetensorsEntry {
  std::string name;
  SafetensorsDtype dtype = SafetensorsDtype::kF32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;

  int64_t numel() const;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in the order of their data (by begin)
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;  // file offset of the data section: 8 + the header length
  uint64_t data_size = 0;   // bytes in the data section
};

// Reads and checks the length field: `prefix` holds the file's first bytes (at least 8 of
// them unless the file is shorter) and `file_size` the size of the whole file. Returns N, the
// length of the JSON header; the file holds at least 8 + N bytes. `source` names the file in
// errors.
uint64_t ReadSafetensorsHeaderLength(std::string_view prefix, uint64_t file_size,
                                     std::string_view source);

// Parses and checks the whole header. `prefix` holds at least the file's first 8 + N bytes
// (it may hold the whole file); `file_size` is the size of the whole file.
SafetensorsHeader ParseSafetensorsHeader(std::string_view prefix, uint64_t file_size,
                                         std::string_view source);

// The length field and the JSON header for `entries` (whose offsets the caller has laid out):
// "__metadata__" first when there is any, then the tensors sorted by name, each as
// {"dtype", "shape", "data_offsets"}; padded with spaces to a multiple of 8 bytes so that the
// data section starts 8-byte aligned, as the reference implementation does.
std::string EncodeSafetensorsHeader(const std::vector<SafetensorsEntry>& entries,
                                    const std::map<std::string, std::string>& metadata);

}  // namespace rlab::models
