// A real pretrained Llama checkpoint (stories260K, Hugging Face layout) loads, decodes the
// same with and without the KV cache, and matches a plain double-precision forward pass
// written here with loops over the checkpoint's tensors (nothing shared with the module).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <vector>

#include "rlab/models/safetensors/reader.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "../stories260k.h"

namespace rlab::models {
namespace {

namespace fs = std::filesystem;

#define SKIP_WITHOUT_MODEL()                                                       \
  if (!fs::exists(testing::Stories260KDir() / "model.safetensors")) {              \
    GTEST_SKIP() << "stories260K is not in " << testing::Stories260KDir().string() \
                 << "; this test needs ../shared/data";                            \
  }

constexpr int64_t kBos = 1;

using Vec = std::vector<double>;

// The reference: Llama's forward pass (Touvron et al. 2023, arXiv:2302.13971) over float64
// copies of the checkpoint's tensors, one position and one head at a time.
class LoopLlama {
 public:
  LoopLlama(const std::map<std::string, torch::Tensor>& tensors, const TransformerConfig& c)
      : tensors_(tensors), c_(c) {}

  // Logits [T][V] for `ids`, all positions.
  std::vector<Vec> Forward(const std::vector<int64_t>& ids) const {
    const int64_t T = static_cast<int64_t>(ids.size());
    const int64_t d = c_.hidden_size, H = c_.num_heads, Hkv = c_.num_kv_heads;
    const int64_t Dh = d / H;
    const Vec embed = Get("model.embed_tokens.weight");  // [V * d]
    std::vector<Vec> x(T, Vec(d));
    for (int64_t t = 0; t < T; ++t) {
      for (int64_t i = 0; i < d; ++i) x[t][i] = embed[ids[t] * d + i];
    }
    for (int64_t layer = 0; layer < c_.num_layers; ++layer) {
      const std::string p = "model.layers." + std::to_string(layer) + ".";
      const Vec wq = Get(p + "self_attn.q_proj.weight"), wk = Get(p + "self_attn.k_proj.weight");
      const Vec wv = Get(p + "self_attn.v_proj.weight"), wo = Get(p + "self_attn.o_proj.weight");
      const Vec wg = Get(p + "mlp.gate_proj.weight"), wu = Get(p + "mlp.up_proj.weight");
      const Vec wd = Get(p + "mlp.down_proj.weight");
      const Vec g1 = Get(p + "input_layernorm.weight");
      const Vec g2 = Get(p + "post_attention_layernorm.weight");
      std::vector<Vec> q(T), k(T), v(T);
      for (int64_t t = 0; t < T; ++t) {
        const Vec xn = RmsNorm(x[t], g1);
        q[t] = MatVec(wq, xn, H * Dh);
        k[t] = MatVec(wk, xn, Hkv * Dh);
        v[t] = MatVec(wv, xn, Hkv * Dh);
        Rotate(q[t], H, Dh, t);
        Rotate(k[t], Hkv, Dh, t);
      }
      for (int64_t t = 0; t < T; ++t) {
        Vec attended(H * Dh, 0.0);
        for (int64_t h = 0; h < H; ++h) {
          const int64_t kvh = h / (H / Hkv);
          Vec scores(t + 1);
          double top = -1e300;
          for (int64_t s = 0; s <= t; ++s) {
            double dot = 0.0;
            for (int64_t i = 0; i < Dh; ++i) dot += q[t][h * Dh + i] * k[s][kvh * Dh + i];
            scores[s] = dot / std::sqrt(static_cast<double>(Dh));
            top = std::max(top, scores[s]);
          }
          double total = 0.0;
          for (double& s : scores) total += (s = std::exp(s - top));
          for (int64_t s = 0; s <= t; ++s) {
            for (int64_t i = 0; i < Dh; ++i) {
              attended[h * Dh + i] += scores[s] / total * v[s][kvh * Dh + i];
            }
          }
        }
        const Vec out = MatVec(wo, attended, d);
        for (int64_t i = 0; i < d; ++i) x[t][i] += out[i];
        const Vec xn = RmsNorm(x[t], g2);
        const Vec gate = MatVec(wg, xn, c_.intermediate_size);
        Vec hidden = MatVec(wu, xn, c_.intermediate_size);
        for (size_t j = 0; j < hidden.size(); ++j) {
          hidden[j] *= gate[j] / (1.0 + std::exp(-gate[j]));  // silu(gate) * up
        }
        const Vec down = MatVec(wd, hidden, d);
        for (int64_t i = 0; i < d; ++i) x[t][i] += down[i];
      }
    }
    const Vec gf = Get("model.norm.weight");
    const Vec head = c_.tie_word_embeddings ? embed : Get("lm_head.weight");
    std::vector<Vec> logits(T);
    for (int64_t t = 0; t < T; ++t) logits[t] = MatVec(head, RmsNorm(x[t], gf), c_.vocab_size);
    return logits;
  }

 private:
  Vec Get(const std::string& name) const {
    const torch::Tensor t = tensors_.at(name).to(torch::kFloat64).contiguous();
    return Vec(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
  }

  // w is row-major [rows, x.size()].
  static Vec MatVec(const Vec& w, const Vec& x, int64_t rows) {
    const size_t cols = x.size();
    Vec y(rows, 0.0);
    for (int64_t r = 0; r < rows; ++r) {
      for (size_t i = 0; i < cols; ++i) y[r] += w[r * cols + i] * x[i];
    }
    return y;
  }

  Vec RmsNorm(const Vec& x, const Vec& g) const {
    double mean_square = 0.0;
    for (double xi : x) mean_square += xi * xi;
    mean_square /= static_cast<double>(x.size());
    const double scale = 1.0 / std::sqrt(mean_square + c_.norm_eps);
    Vec y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale * g[i];
    return y;
  }

  // Rotary embedding (Su et al. 2021, arXiv:2104.09864) with Hugging Face's pairing: element
  // i of a head rotates with element i + Dh/2, by angle pos * theta^(-2i/Dh).
  void Rotate(Vec& x, int64_t heads, int64_t Dh, int64_t pos) const {
    const int64_t half = Dh / 2;
    for (int64_t h = 0; h < heads; ++h) {
      for (int64_t i = 0; i < half; ++i) {
        const double angle =
            pos * std::pow(c_.rope_theta, -2.0 * static_cast<double>(i) / static_cast<double>(Dh));
        const double a = x[h * Dh + i], b = x[h * Dh + i + half];
        x[h * Dh + i] = a * std::cos(angle) - b * std::sin(angle);
        x[h * Dh + i + half] = b * std::cos(angle) + a * std::sin(angle);
      }
    }
  }

  const std::map<std::string, torch::Tensor>& tensors_;
  TransformerConfig c_;
};

// Greedy decoding from BOS, one token at a time through the cache, against recomputing the
// whole prefix at every step.
TEST(TransformerRealData, Stories260KDecodesTheSameWithAndWithoutTheCache) {
  SKIP_WITHOUT_MODEL();
  torch::NoGradGuard no_grad;
  Transformer model = LoadHfTransformer(testing::Stories260KDir());
  model->eval();
  EXPECT_EQ(model->config().arch, TransformerArch::kLlama);
  EXPECT_EQ(model->config().num_kv_heads, 4);

  std::vector<int64_t> cached_ids{kBos}, full_ids{kBos};
  KvCache cache;
  const auto one_token = [](int64_t id) { return torch::full({1, 1}, id, torch::kInt64); };
  torch::Tensor step_logits = model(one_token(kBos), torch::Tensor(), &cache);  // [1, 1, V]
  for (int step = 0; step < 8; ++step) {
    const int64_t next_cached = step_logits[0][-1].argmax().item<int64_t>();
    const torch::Tensor prefix = torch::tensor(full_ids, torch::kInt64).unsqueeze(0);  // [1, t]
    const torch::Tensor full_logits = model(prefix)[0][-1];                            // [V]
    EXPECT_LT((step_logits[0][-1] - full_logits).abs().max().item<double>(), 1e-4)
        << "step " << step;
    const int64_t next_full = full_logits.argmax().item<int64_t>();
    EXPECT_EQ(next_cached, next_full) << "step " << step;
    cached_ids.push_back(next_cached);
    full_ids.push_back(next_full);
    step_logits = model(one_token(next_cached), torch::Tensor(), &cache);
  }
  EXPECT_EQ(cache.Length(), 9);
  // A trained story model does not just repeat one token.
  EXPECT_GT(std::set<int64_t>(cached_ids.begin() + 1, cached_ids.end()).size(), 1u);
}

TEST(TransformerRealData, Stories260KMatchesALoopForwardPass) {
  SKIP_WITHOUT_MODEL();
  torch::NoGradGuard no_grad;
  const TransformerConfig config = ReadTransformerConfig(testing::Stories260KDir() / "config.json");
  SafetensorsReadOptions options;
  options.to_float32 = true;
  const SafetensorsContents contents =
      ReadSafetensors(testing::Stories260KDir() / "model.safetensors", options);
  Transformer model = LoadHfTransformer(testing::Stories260KDir());
  model->eval();

  const std::vector<int64_t> ids{kBos, 403, 261, 77};
  const torch::Tensor logits = model(torch::tensor(ids, torch::kInt64).unsqueeze(0))[0];  // [T, V]
  const std::vector<Vec> expected = LoopLlama(contents.tensors, config).Forward(ids);
  double worst = 0.0, largest = 0.0;
  for (size_t t = 0; t < ids.size(); ++t) {
    for (int64_t v = 0; v < config.vocab_size; ++v) {
      worst = std::max(worst, std::abs(logits[t][v].item<double>() - expected[t][v]));
      largest = std::max(largest, std::abs(expected[t][v]));
    }
  }
  EXPECT_GT(largest, 1.0);  // the comparison is not between near-zero numbers
  EXPECT_LT(worst, 1e-4 * std::max(1.0, largest)) << "largest |logit| " << largest;
}

}  // namespace
}  // namespace rlab::models
