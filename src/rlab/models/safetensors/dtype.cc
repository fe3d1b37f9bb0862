#include "rlab/models/safetensors/dtype.h"

#include <array>

namespace rlab::models {

namespace {

struct DtypeInfo {
  SafetensorsDtype dtype;
  std::string_view name;
  int64_t size;
  std::optional<c10::ScalarType> torch_type;
};

constexpr std::array<DtypeInfo, 15> kDtypes{{
    {SafetensorsDtype::kBool, "BOOL", 1, c10::ScalarType::Bool},
    {SafetensorsDtype::kU8, "U8", 1, c10::ScalarType::Byte},
    {SafetensorsDtype::kI8, "I8", 1, c10::ScalarType::Char},
    {SafetensorsDtype::kF8E5M2, "F8_E5M2", 1, std::nullopt},
    {SafetensorsDtype::kF8E4M3, "F8_E4M3", 1, std::nullopt},
    {SafetensorsDtype::kI16, "I16", 2, c10::ScalarType::Short},
    {SafetensorsDtype::kU16, "U16", 2, std::nullopt},
    {SafetensorsDtype::kF16, "F16", 2, c10::ScalarType::Half},
    {SafetensorsDtype::kBF16, "BF16", 2, c10::ScalarType::BFloat16},
    {SafetensorsDtype::kI32, "I32", 4, c10::ScalarType::Int},
    {SafetensorsDtype::kU32, "U32", 4, std::nullopt},
    {SafetensorsDtype::kF32, "F32", 4, c10::ScalarType::Float},
    {SafetensorsDtype::kF64, "F64", 8, c10::ScalarType::Double},
    {SafetensorsDtype::kI64, "I64", 8, c10::ScalarType::Long},
    {SafetensorsDtype::kU64, "U64", 8, std::nullopt},
}};

constexpr bool TableFollowsEnum() {
  for (size_t i = 0; i < kDtypes.size(); ++i) {
    if (static_cast<size_t>(kDtypes[i].dtype) != i) return false;
  }
  return true;
}
static_assert(TableFollowsEnum(), "kDtypes must list the dtypes in the enum's order");

const DtypeInfo& InfoOf(SafetensorsDtype dtype) { return kDtypes[static_cast<size_t>(dtype)]; }

}  // namespace

std::string_view SafetensorsDtypeName(SafetensorsDtype dtype) { return InfoOf(dtype).name; }

std::optional<SafetensorsDtype> ParseSafetensorsDtype(std::string_view name) {
  for (const DtypeInfo& info : kDtypes) {
    if (info.name == name) return info.dtype;
  }
  return std::nullopt;
}

std::string SafetensorsDtypeNames() {
  std::string names;
  for (const DtypeInfo& info : kDtypes) {
    if (!names.empty()) names += ", ";
    names += info.name;
  }
  return names;
}

int64_t SafetensorsDtypeSize(SafetensorsDtype dtype) { return InfoOf(dtype).size; }

std::optional<c10::ScalarType> TorchTypeOf(SafetensorsDtype dtype) {
  return InfoOf(dtype).torch_type;
}

std::optional<SafetensorsDtype> SafetensorsDtypeOf(c10::ScalarType type) {
  for (const DtypeInfo& info : kDtypes) {
    if (info.torch_type == type) return info.dtype;
  }
  return std::nullopt;
}

}  // namespace rlab::models
