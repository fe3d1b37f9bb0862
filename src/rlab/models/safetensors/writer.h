// Writes tensors and string metadata as a safetensors file.
#pragma once

#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>

namespace rlab::models {

// Writes `tensors` (on any device, in any strided layout; stored contiguous and little-endian)
// atomically: readers see the old file or the new one. The header lists the tensors sorted by
// name; the data holds them by element size, largest first, then by name, so that every
// tensor starts aligned to its element size.
void WriteSafetensors(const std::filesystem::path& path,
                      const std::map<std::string, torch::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// The bytes WriteSafetensors would write.
std::string SerializeSafetensors(const std::map<std::string, torch::Tensor>& tensors,
                                 const std::map<std::string, std::string>& metadata = {});

}  // namespace rlab::models
