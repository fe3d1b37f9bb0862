// The element types a safetensors header can name ("F32", "BF16", ...), their sizes, and how
// they map to libtorch scalar types.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rlab::models {

enum class SafetensorsDtype {
  kBool,
  kU8,
  kI8,
  kF8E5M2,
  kF8E4M3,
  kI16,
  kU16,
  kF16,
  kBF16,
  kI32,
  kU32,
  kF32,
  kF64,
  kI64,
  kU64,
};

// The header's spelling: "F32", "BF16", "BOOL", ...
std::string_view SafetensorsDtypeName(SafetensorsDtype dtype);
// std::nullopt for a name the format does not define.
std::optional<SafetensorsDtype> ParseSafetensorsDtype(std::string_view name);
// A comma-separated list of every name, for error messages.
std::string SafetensorsDtypeNames();
// Bytes per element (1 for BOOL and the fp8 types).
int64_t SafetensorsDtypeSize(SafetensorsDtype dtype);

// The libtorch type that holds this dtype bit for bit; std::nullopt where libtorch 1.13 has
// none (U16, U32, U64 and the fp8 types).
std::optional<c10::ScalarType> TorchTypeOf(SafetensorsDtype dtype);
// The safetensors dtype of a libtorch type; std::nullopt for types the format cannot hold
// (complex, quantised).
std::optional<SafetensorsDtype> SafetensorsDtypeOf(c10::ScalarType type);

}  // namespace rlab::models
