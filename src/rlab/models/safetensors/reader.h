// Reads safetensors files into CPU tensors, checking the header first (see header.h).
#pragma once

#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "rlab/models/safetensors/header.h"

namespace rlab::models {

struct SafetensorsReadOptions {
  // Convert F16, BF16 and F64 tensors to float32, the type the CPU computes in.
  bool to_float32 = false;
};

struct SafetensorsContents {
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Reads the file once into one buffer; the tensors that keep their dtype are views of that
// buffer (which lives as long as any of them does), so the data is not copied again. A tensor
// that is not aligned to its element size in the file is copied into its own storage.
SafetensorsContents ReadSafetensors(const std::filesystem::path& path,
                                    const SafetensorsReadOptions& options = {});

// The same for a file already in memory, copied once; `source` names it in errors.
SafetensorsContents ParseSafetensors(std::string_view bytes, std::string_view source,
                                     const SafetensorsReadOptions& options = {});

// Only the header (names, dtypes, shapes, offsets), reading none of the tensor data.
SafetensorsHeader ReadSafetensorsHeader(const std::filesystem::path& path);

}  // namespace rlab::models
