#include "rlab/models/safetensors/reader.h"

#include <sys/stat.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "rlab/core/check.h"

namespace rlab::models {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian and is read in place");

namespace {

std::string Errno() { return std::strerror(errno); }

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Opens a regular file for reading; sets `size` to its size in bytes.
File OpenForReading(const std::filesystem::path& path, uint64_t& size) {
  File file(std::fopen(path.c_str(), "rb"));
  RLAB_CHECK(file != nullptr, "cannot read '{}': {}", path.string(), Errno());
  struct stat info {};
  RLAB_CHECK(::fstat(::fileno(file.get()), &info) == 0, "cannot read '{}': {}", path.string(),
             Errno());
  RLAB_CHECK(S_ISREG(info.st_mode), "cannot read '{}': not a regular file", path.string());
  size = static_cast<uint64_t>(info.st_size);
  return file;
}

void ReadExactly(std::FILE* file, void* buffer, uint64_t count, const std::filesystem::path& path) {
  const size_t got = std::fread(buffer, 1, count, file);
  RLAB_CHECK(got == count, "cannot read '{}': got {} of {} bytes ({})", path.string(), got, count,
             std::ferror(file) ? Errno() : "the file shrank while it was read");
}

// A BOOL tensor's bytes must be 0 or 1: libtorch's bool kernels assume nothing else.
void CheckBoolBytes(const uint8_t* data, const SafetensorsEntry& entry, std::string_view source) {
  const uint64_t count = entry.end - entry.begin;
  for (uint64_t i = 0; i < count; ++i) {
    RLAB_CHECK(data[i] <= 1,
               "{}: tensor '{}': element {} of the BOOL data is byte {}; only 0 and 1 are valid",
               source, entry.name, i, data[i]);
  }
}

bool IsWideOrReducedFloat(SafetensorsDtype dtype) {
  return dtype == SafetensorsDtype::kF16 || dtype == SafetensorsDtype::kBF16 ||
         dtype == SafetensorsDtype::kF64;
}

// Builds the tensors from `bytes` ([file size] uint8, the whole file).
SafetensorsContents TensorsFrom(const torch::Tensor& bytes, std::string_view source,
                                const SafetensorsReadOptions& options) {
  uint8_t* base = bytes.data_ptr<uint8_t>();
  const auto size = static_cast<uint64_t>(bytes.numel());
  const SafetensorsHeader header = ParseSafetensorsHeader(
      std::string_view(reinterpret_cast<const char*>(base), size), size, source);
  SafetensorsContents contents;
  contents.metadata = header.metadata;
  for (const SafetensorsEntry& entry : header.entries) {
    const auto type = TorchTypeOf(entry.dtype);
    RLAB_CHECK(type.has_value(),
               "{}: tensor '{}': dtype {} has no libtorch 1.13 equivalent; convert the file to "
               "one of BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64",
               source, entry.name, SafetensorsDtypeName(entry.dtype));
    uint8_t* data = base + header.data_start + entry.begin;
    const uint64_t byte_count = entry.end - entry.begin;
    if (entry.dtype == SafetensorsDtype::kBool) CheckBoolBytes(data, entry, source);
    const auto tensor_options = torch::TensorOptions().dtype(*type);
    const auto alignment = static_cast<uintptr_t>(SafetensorsDtypeSize(entry.dtype));
    torch::Tensor tensor;
    if (byte_count > 0 && reinterpret_cast<uintptr_t>(data) % alignment == 0) {
      // A view of the file's buffer; the deleter holds the buffer alive.
      tensor = torch::from_blob(
          data, entry.shape, [keep = bytes](void*) {}, tensor_options);
    } else {
      tensor = torch::empty(entry.shape, tensor_options);
      if (byte_count > 0) std::memcpy(tensor.data_ptr(), data, byte_count);
    }
    if (options.to_float32 && IsWideOrReducedFloat(entry.dtype)) {
      tensor = tensor.to(torch::kFloat32);
    }
    contents.tensors.emplace(entry.name, std::move(tensor));
  }
  return contents;
}

}  // namespace

SafetensorsContents ReadSafetensors(const std::filesystem::path& path,
                                    const SafetensorsReadOptions& options) {
  uint64_t size = 0;
  const File file = OpenForReading(path, size);
  torch::Tensor bytes = torch::empty({static_cast<int64_t>(size)}, torch::kUInt8);  // [size]
  if (size > 0) ReadExactly(file.get(), bytes.data_ptr<uint8_t>(), size, path);
  return TensorsFrom(bytes, path.string(), options);
}

SafetensorsContents ParseSafetensors(std::string_view bytes, std::string_view source,
                                     const SafetensorsReadOptions& options) {
  torch::Tensor buffer = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(buffer.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  return TensorsFrom(buffer, source, options);
}

SafetensorsHeader ReadSafetensorsHeader(const std::filesystem::path& path) {
  uint64_t size = 0;
  const File file = OpenForReading(path, size);
  std::string prefix(std::min<uint64_t>(size, kSafetensorsLengthBytes), '\0');
  ReadExactly(file.get(), prefix.data(), prefix.size(), path);
  const uint64_t length = ReadSafetensorsHeaderLength(prefix, size, path.string());
  prefix.resize(kSafetensorsLengthBytes + length);
  ReadExactly(file.get(), prefix.data() + kSafetensorsLengthBytes, length, path);
  return ParseSafetensorsHeader(prefix, size, path.string());
}

}  // namespace rlab::models
