// Seeding: one run seed drives every random draw. Each consumer derives its own stream
// from (run seed, stream name), so adding a consumer never shifts another's draws, and all
// generator state can be saved in a checkpoint and restored exactly.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace rlab {

// A well-mixed 64-bit seed for the named stream of a run (splitmix64 over an FNV-1a hash).
uint64_t DeriveSeed(uint64_t run_seed, std::string_view stream);

// A small, fast, reproducible generator. The distributions are written out here rather than
// taken from <random>, whose algorithms differ between standard libraries.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) : engine_(seed) {}

  uint64_t NextU64() { return engine_(); }
  double Uniform();                      // [0, 1)
  double Uniform(double lo, double hi);  // [lo, hi)
  int64_t UniformInt(int64_t n);         // {0, ..., n-1}
  bool Bernoulli(double p) { return Uniform() < p; }
  double Normal();  // standard normal (Box-Muller, no cached pair)
  double Normal(double mean, double stddev) { return mean + stddev * Normal(); }

  std::mt19937_64& engine() { return engine_; }
  std::string State() const;  // text form for checkpoints
  void SetState(const std::string& state);

 private:
  std::mt19937_64 engine_;
};

// libtorch's global CPU generator: seeded from the run seed, saved and restored as bytes.
void SeedTorch(uint64_t run_seed);
std::string TorchRngState();
void SetTorchRngState(const std::string& state);

}  // namespace rlab
