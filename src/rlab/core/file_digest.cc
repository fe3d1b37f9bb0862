#include "rlab/core/file_digest.h"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "rlab/core/check.h"

namespace rlab {
namespace {

// One SHA-256 computation through OpenSSL's EVP interface (the low-level SHA256_* calls are
// deprecated in OpenSSL 3).
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    RLAB_CHECK(context_ != nullptr && EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) == 1,
               "cannot start a SHA-256 digest (OpenSSL's libcrypto failed)");
  }

  void Update(const void* data, size_t size) {
    RLAB_CHECK(EVP_DigestUpdate(context_.get(), data, size) == 1,
               "SHA-256 digest update failed (OpenSSL's libcrypto)");
  }

  std::string FinishHex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    RLAB_CHECK(EVP_DigestFinal_ex(context_.get(), digest.data(), &size) == 1,
               "SHA-256 digest failed to finish (OpenSSL's libcrypto)");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * size);
    for (unsigned int i = 0; i < size; ++i) {
      hex.push_back(kHex[digest[i] >> 4]);
      hex.push_back(kHex[digest[i] & 0xf]);
    }
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes.data(), bytes.size());
  return sha.FinishHex();
}

std::string FileSha256(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                          &std::fclose);
  RLAB_CHECK(file != nullptr, "cannot read {} to hash it: {}", path.string(), std::strerror(errno));
  Sha256 sha;
  std::array<char, 1 << 16> block;
  size_t got = 0;
  while ((got = std::fread(block.data(), 1, block.size(), file.get())) > 0)
    sha.Update(block.data(), got);
  RLAB_CHECK(!std::ferror(file.get()), "cannot read {} to hash it: {}", path.string(),
             std::strerror(errno));
  return sha.FinishHex();
}

}  // namespace rlab
