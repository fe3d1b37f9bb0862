#include "rlab/models/safetensors/writer.h"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/models/safetensors/header.h"

namespace rlab::models {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian and is written from memory as it is");

namespace {

// What goes in the file, in order: the header, then each tensor's bytes.
struct Layout {
  std::string header;                // length field and padded JSON
  std::vector<torch::Tensor> order;  // the tensors in data order
  uint64_t data_size = 0;
};

Layout PlanLayout(const std::map<std::string, torch::Tensor>& tensors,
                  const std::map<std::string, std::string>& metadata,
                  std::string_view destination) {
  std::vector<SafetensorsEntry> entries;
  std::vector<torch::Tensor> given;
  for (const auto& [name, tensor] : tensors) {
    RLAB_CHECK(tensor.defined(), "{}: tensor '{}' is undefined", destination, name);
    RLAB_CHECK(tensor.layout() == torch::kStrided,
               "{}: tensor '{}' is sparse; convert it with to_dense() first", destination, name);
    const auto dtype = SafetensorsDtypeOf(tensor.scalar_type());
    RLAB_CHECK(dtype.has_value(), "{}: tensor '{}': libtorch type {} has no safetensors dtype",
               destination, name, c10::toString(tensor.scalar_type()));
    SafetensorsEntry entry;
    entry.name = name;
    entry.dtype = *dtype;
    entry.shape = tensor.sizes().vec();
    entries.push_back(std::move(entry));
    given.push_back(tensor);
  }
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Names are already sorted (the map's order); a stable sort keeps that within each size.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return SafetensorsDtypeSize(entries[a].dtype) > SafetensorsDtypeSize(entries[b].dtype);
  });
  Layout layout;
  for (const size_t i : order) {
    SafetensorsEntry& entry = entries[i];
    entry.begin = layout.data_size;
    layout.data_size += static_cast<uint64_t>(given[i].numel()) *
                        static_cast<uint64_t>(SafetensorsDtypeSize(entry.dtype));
    entry.end = layout.data_size;
    layout.order.push_back(given[i]);
  }
  layout.header = EncodeSafetensorsHeader(entries, metadata);
  return layout;
}

// Hands `sink` the file's bytes piece by piece, one tensor at a time in CPU memory.
void EmitBytes(const Layout& layout, const std::function<void(const void*, size_t)>& sink) {
  sink(layout.header.data(), layout.header.size());
  for (const torch::Tensor& tensor : layout.order) {
    const torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
    if (cpu.numel() > 0) sink(cpu.data_ptr(), static_cast<size_t>(cpu.nbytes()));
  }
}

}  // namespace

std::string SerializeSafetensors(const std::map<std::string, torch::Tensor>& tensors,
                                 const std::map<std::string, std::string>& metadata) {
  const Layout layout = PlanLayout(tensors, metadata, "safetensors");
  std::string bytes;
  bytes.reserve(layout.header.size() + layout.data_size);
  EmitBytes(layout, [&](const void* data, size_t count) {
    bytes.append(static_cast<const char*>(data), count);
  });
  return bytes;
}

void WriteSafetensors(const std::filesystem::path& path,
                      const std::map<std::string, torch::Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  const Layout layout = PlanLayout(tensors, metadata, path.string());
  const std::filesystem::path tmp = TempPathFor(path);
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  RLAB_CHECK(file != nullptr, "cannot write '{}': {} (is the directory writable?)", path.string(),
             std::strerror(errno));
  bool ok = true;
  try {
    EmitBytes(layout, [&](const void* data, size_t count) {
      ok = ok && std::fwrite(data, 1, count, file) == count;
    });
  } catch (...) {
    std::fclose(file);
    std::filesystem::remove(tmp);
    throw;
  }
  ok = ok && std::fflush(file) == 0;
  const std::string error = ok ? "" : std::strerror(errno);
  std::fclose(file);
  if (!ok) {
    std::filesystem::remove(tmp);
    RLAB_FAIL("cannot write '{}': {}", path.string(), error);
  }
  CommitTempFile(tmp, path);
}

}  // namespace rlab::models
