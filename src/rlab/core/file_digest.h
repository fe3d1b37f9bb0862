// SHA-256 digests of bytes and files, as lowercase hex: what a run records about its data
// files (provenance) and what a model directory records about its training data, so that
// a later run can tell whether two files are the same without keeping them.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rlab {

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

// SHA-256 of the file's contents as 64 lowercase hex digits, read in blocks (a file of any
// size costs a few kilobytes of memory). An unreadable file is an rlab::Error naming it.
std::string FileSha256(const std::filesystem::path& path);

}  // namespace rlab
