#include "rlab/core/rng.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "rlab/core/check.h"

namespace rlab {

namespace {
uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

uint64_t DeriveSeed(uint64_t run_seed, std::string_view stream) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : stream) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return SplitMix64(SplitMix64(run_seed) ^ h);
}

double Rng::Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Rng::Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

int64_t Rng::UniformInt(int64_t n) {
  RLAB_CHECK(n > 0, "Rng::UniformInt needs n > 0, got {}", n);
  // Rejection sampling removes the modulo bias.
  const uint64_t un = static_cast<uint64_t>(n);
  const uint64_t limit = UINT64_MAX - UINT64_MAX % un;
  uint64_t x;
  do {
    x = engine_();
  } while (x >= limit);
  return static_cast<int64_t>(x % un);
}

double Rng::Normal() {
  double u1 = Uniform();
  while (u1 <= 0.0) u1 = Uniform();
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::string Rng::State() const {
  std::ostringstream out;
  out << engine_;
  return out.str();
}

void Rng::SetState(const std::string& state) {
  std::istringstream in(state);
  in >> engine_;
  RLAB_CHECK(!in.fail(), "corrupt random-generator state in checkpoint");
}

void SeedTorch(uint64_t run_seed) { torch::manual_seed(DeriveSeed(run_seed, "torch")); }

std::string TorchRngState() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  const at::Tensor state = gen.get_state();
  return std::string(reinterpret_cast<const char*>(state.data_ptr<uint8_t>()),
                     static_cast<size_t>(state.numel()));
}

void SetTorchRngState(const std::string& state) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  at::Tensor t = torch::empty({static_cast<int64_t>(state.size())}, torch::kUInt8);
  std::memcpy(t.data_ptr<uint8_t>(), state.data(), state.size());
  gen.set_state(t);
}

}  // namespace rlab
