// Language-model throughput for docs/benchmarks.md: training tokens/s (forward, loss, backward,
// AdamW), generation tokens/s with and without the KV cache, and reward-model training pairs/s
// (chosen and rejected in one forward pass, Bradley-Terry loss), and DPO training pairs/s.
// Prints one JSON line per run.
//
//   bench_lm train --arch gpt2 --layers 6 --width 384 --heads 6 --vocab 65 --seq 256 --batch 8
//                  --threads 1 --blas 2 [--padded-path 1]
//   bench_lm generate --preset tiny --batch 1 --new-tokens 256 --cache 1 --blas 2
//   bench_lm generate ... --save DIR   (also writes the weights, for the Python peer)
//   bench_lm gemm-floor --seq 256 --batch 8 --threads 1 --blas 2   (train's products alone)
//   bench_lm rm --preset tiny --vocab 259 --seq 64 --batch 16 --blas 2
//   bench_lm dpo --preset tiny --vocab 259 --seq 64 --batch 8 --save DIR   (DIR: for the peer)
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>

#include "rlab/core/threads.h"
#include "rlab/models/optim/fused_adamw.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "rlab/models/transformer/presets.h"
#include "rlab/models/transformer/sequence_reward_model.h"
#include "rlab/models/transformer/token_logprobs.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/reward/model/rm_objective.h"

namespace {

using rlab::models::Transformer;
using rlab::models::TransformerArch;
using rlab::models::TransformerConfig;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int64_t NonEmbeddingParameters(const Transformer& model) {
  int64_t n = 0;
  for (const auto& item : model->named_parameters()) {
    if (item.key().find("embed") == std::string::npos &&
        item.key().find("positions") == std::string::npos) {
      n += item.value().numel();
    }
  }
  return n;
}

// Model FLOPs per trained token (Chowdhery et al. 2022, PaLM, arXiv:2204.02311, appendix B):
// 6 N for the matrix products of the non-embedding parameters, forward and backward, plus
// 12 L d T for attention scores and weighted values, plus 6 d V for the output layer.
double TrainFlopsPerToken(const Transformer& model, int64_t seq) {
  const TransformerConfig& c = model->config();
  return 6.0 * NonEmbeddingParameters(model) + 12.0 * c.num_layers * c.hidden_size * seq +
         6.0 * c.hidden_size * c.vocab_size;
}

struct Common {
  int threads = 1;
  int blas = 0;  // 0 = all cores
};

rlab::ThreadSettings ApplyThreads(const Common& common) {
  return rlab::ConfigureThreads(common.threads, common.blas == 0 ? rlab::CoreCount() : common.blas);
}

// padded_path: give the model an all-ones attention mask, so that attention takes the path of
// padded batches (full score matrix, masked softmax) instead of the blocked causal kernel.
void Train(const TransformerConfig& config, int64_t seq, int64_t batch, int64_t steps,
           bool padded_path, const Common& common) {
  const auto threads = ApplyThreads(common);
  torch::manual_seed(1);
  Transformer model(config);
  model->train();
  rlab::models::FusedAdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  double forward_s = 0, backward_s = 0, update_s = 0;  // where the time goes
  const auto step = [&] {
    const torch::Tensor ids = torch::randint(config.vocab_size, {batch, seq}, torch::kInt64);
    const torch::Tensor mask = torch::ones({batch, seq}, torch::kFloat32);
    rlab::models::ClearGradients(optimizer);
    auto t0 = Clock::now();
    const torch::Tensor logits = padded_path ? model(ids, mask) : model(ids);
    const torch::Tensor loss = rlab::models::MaskedNllSum(logits, ids, mask) / (batch * (seq - 1));
    forward_s += Seconds(t0);
    t0 = Clock::now();
    loss.backward();
    backward_s += Seconds(t0);
    t0 = Clock::now();
    rlab::models::ClipGradientNorm(model->parameters(), 1.0);
    optimizer.step();
    update_s += Seconds(t0);
  };
  step();  // warm-up: allocations and OpenBLAS's thread start
  forward_s = backward_s = update_s = 0;
  const auto start = Clock::now();
  for (int64_t i = 0; i < steps; ++i) step();
  const double seconds = Seconds(start);
  const double tokens_per_second = steps * batch * seq / seconds;
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  std::printf(
      "%s\n",
      fmt::format(R"({{"bench": "train", "arch": "{}", "parameters": {}, "seq": {}, "batch": {}, )"
                  R"("torch_threads": {}, "blas_threads": {}, "steps": {}, "seconds": {:.3f}, )"
                  R"("tokens_per_second": {:.1f}, "gflops": {:.2f}, "forward_share": {:.2f}, )"
                  R"("backward_share": {:.2f}, "update_share": {:.2f}, "attention": "{}"}})",
                  rlab::models::ArchName(config.arch), params, seq, batch, threads.torch_threads,
                  threads.blas_threads, steps, seconds, tokens_per_second,
                  tokens_per_second * TrainFlopsPerToken(model, seq) / 1e9, forward_s / seconds,
                  backward_s / seconds, update_s / seconds, padded_path ? "masked" : "causal")
          .c_str());
}

// The matrix products of one training step alone, at the model's shapes: for every linear layer
// Y = X W^T the forward product and the backward dX = dY W and dW = dY^T X, and for attention the
// batched QK^T and PV with their two backward products each, plus the output layer. Their time
// is the floor a training step cannot go below on this BLAS, so their FLOP rate is the most
// that `train` could reach (the elementwise work, softmax and norms come on top).
void GemmFloor(const TransformerConfig& config, int64_t seq, int64_t batch, int64_t steps,
               const Common& common) {
  const auto threads = ApplyThreads(common);
  torch::manual_seed(1);
  torch::NoGradGuard no_grad;
  const int64_t M = batch * seq, d = config.hidden_size, ffn = config.intermediate_size;
  const int64_t BH = batch * config.num_heads, Dh = config.head_dim();
  struct Product {
    torch::Tensor a, b;  // a @ b (a batched product when 3-D)
  };
  std::vector<Product> products;
  const auto linear = [&](int64_t in, int64_t out) {
    const torch::Tensor x = torch::randn({M, in}), w = torch::randn({out, in}),
                        dy = torch::randn({M, out});
    products.push_back({x, w.t()});   // forward
    products.push_back({dy, w});      // grad of the input
    products.push_back({dy.t(), x});  // grad of the weight
  };
  const auto attention = [&] {
    const torch::Tensor q = torch::randn({BH, seq, Dh}), k = torch::randn({BH, seq, Dh}),
                        p = torch::randn({BH, seq, seq}), v = torch::randn({BH, seq, Dh});
    products.push_back({q, k.transpose(1, 2)});  // scores
    products.push_back({p, k});                  // grad of q
    products.push_back({p.transpose(1, 2), q});  // grad of k
    products.push_back({p, v});                  // weighted values
    products.push_back({q, v.transpose(1, 2)});  // grad of the weights
    products.push_back({p.transpose(1, 2), q});  // grad of v
  };
  for (int64_t l = 0; l < config.num_layers; ++l) {
    linear(d, 3 * d);  // fused q, k, v (GPT-2); the same FLOPs as Llama's three when Hkv = H
    attention();
    linear(d, d);
    linear(d, ffn);
    if (config.arch == TransformerArch::kLlama) linear(d, ffn);  // SwiGLU's second input
    linear(ffn, d);
  }
  linear(d, config.vocab_size);
  double flops = 0;
  for (const Product& p : products) {
    const int64_t count = p.a.dim() == 3 ? p.a.size(0) : 1;
    flops += 2.0 * count * p.a.size(-2) * p.a.size(-1) * p.b.size(-1);
  }
  const auto step = [&] {
    for (const Product& p : products)
      (void)(p.a.dim() == 3 ? torch::bmm(p.a, p.b) : torch::mm(p.a, p.b));
  };
  step();  // warm-up
  const auto start = Clock::now();
  for (int64_t i = 0; i < steps; ++i) step();
  const double seconds = Seconds(start) / steps;
  std::printf(
      "%s\n",
      fmt::format(R"({{"bench": "gemm_floor", "arch": "{}", "seq": {}, "batch": {}, )"
                  R"("torch_threads": {}, "blas_threads": {}, "products": {}, )"
                  R"("gflop_per_step": {:.2f}, "seconds_per_step": {:.4f}, "gflops": {:.2f}, )"
                  R"("tokens_per_second": {:.1f}}})",
                  rlab::models::ArchName(config.arch), seq, batch, threads.torch_threads,
                  threads.blas_threads, products.size(), flops / 1e9, seconds,
                  flops / seconds / 1e9, M / seconds)
          .c_str());
}

// Reward-model training: `batch` pairs of random sequences of length `seq` per step, the 2B
// sequences in one forward pass. Model FLOPs per token: 6 N (non-embedding) + 12 L d T; the
// reward model has no output layer over the vocabulary.
void RewardModelTrain(const TransformerConfig& config, int64_t seq, int64_t batch, int64_t steps,
                      const Common& common) {
  const auto threads = ApplyThreads(common);
  torch::manual_seed(1);
  rlab::models::SequenceRewardModel model(config);
  model->train();
  const auto objective = rlab::reward::MakeRmObjective("bradley_terry");
  rlab::models::FusedAdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  rlab::reward::RmTargets targets;
  targets.chosen_rows = torch::arange(batch, torch::kInt64);
  targets.rejected_rows = torch::arange(batch, 2 * batch, torch::kInt64);
  targets.margin = torch::zeros({batch});
  targets.tie = torch::zeros({batch}, torch::kBool);
  targets.rating = torch::full({2 * batch}, std::nan(""));
  const auto step = [&] {
    const torch::Tensor ids = torch::randint(config.vocab_size, {2 * batch, seq}, torch::kInt64);
    const torch::Tensor mask = torch::ones({2 * batch, seq}, torch::kInt64);
    rlab::models::ClearGradients(optimizer);
    objective->Loss(model->Outputs(ids, mask), targets).backward();
    rlab::models::ClipGradientNorm(model->parameters(), 1.0);
    optimizer.step();
  };
  step();  // warm-up
  const auto start = Clock::now();
  for (int64_t i = 0; i < steps; ++i) step();
  const double seconds = Seconds(start);
  const double tokens_per_second = steps * 2 * batch * seq / seconds;
  const double flops_per_token = 6.0 * NonEmbeddingParameters(model->backbone) +
                                 12.0 * config.num_layers * config.hidden_size * seq;
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  std::printf(
      "%s\n",
      fmt::format(
          R"({{"bench": "rm", "arch": "{}", "parameters": {}, "seq": {}, "pairs_per_step": {}, )"
          R"("torch_threads": {}, "blas_threads": {}, "steps": {}, "seconds": {:.3f}, )"
          R"("pairs_per_second": {:.1f}, "tokens_per_second": {:.1f}, "gflops": {:.2f}}})",
          rlab::models::ArchName(config.arch), params, seq, batch, threads.torch_threads,
          threads.blas_threads, steps, seconds, steps * batch / seconds, tokens_per_second,
          tokens_per_second * flops_per_token / 1e9)
          .c_str());
}

// DPO training: `batch` pairs of random sequences of length `seq` per step, the first half of
// each the prompt and the second half the completion. One policy forward pass over the 2B
// sequences (chosen rows first), summed completion log-probs, sigmoid loss with beta 0.1,
// gradient clipping at 1.0, AdamW. The reference's log-probs are computed before the clock
// starts, by the initial model, as a trainer that caches them does: the timed step is the
// policy's work only. Model FLOPs per token as in Train.
void DpoTrain(const TransformerConfig& config, int64_t seq, int64_t batch, int64_t steps,
              const std::string& save, const Common& common) {
  const auto threads = ApplyThreads(common);
  torch::manual_seed(1);
  Transformer model(config);
  if (!save.empty()) rlab::models::SaveHfTransformer(model, save);
  model->train();
  const auto loss_fn = rlab::prefopt::MakeDpoLoss("sigmoid(beta=0.1)");
  rlab::models::FusedAdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-6));
  // Entry t of the log-probs scores token t + 1, so the completion's targets are t >= seq/2 - 1.
  const torch::Tensor completion = (torch::arange(1, seq, torch::kInt64) >= seq / 2)
                                       .to(torch::kFloat32)
                                       .expand({2 * batch, seq - 1});
  const torch::Tensor tokens = torch::full({batch}, static_cast<double>(seq - seq / 2));
  const auto sequence_logps = [&](const torch::Tensor& ids) {  // [2B, seq] -> [2B]
    return (rlab::models::NextTokenLogProbs(model(ids), ids) * completion).sum(1);
  };
  // One batch per step plus the warm-up, drawn up front so the reference can score them.
  std::vector<torch::Tensor> ids(steps + 1), ref(steps + 1);  // [2B, seq], [2B]
  {
    torch::NoGradGuard no_grad;
    for (int64_t i = 0; i <= steps; ++i) {
      ids[i] = torch::randint(config.vocab_size, {2 * batch, seq}, torch::kInt64);
      ref[i] = sequence_logps(ids[i]);
    }
  }
  const auto step = [&](int64_t i) {
    rlab::models::ClearGradients(optimizer);
    const torch::Tensor logps = sequence_logps(ids[i]);  // [2B]
    rlab::prefopt::PreferenceLogps p{logps.slice(0, 0, batch),
                                     logps.slice(0, batch),
                                     ref[i].slice(0, 0, batch),
                                     ref[i].slice(0, batch),
                                     tokens,
                                     tokens};
    (*loss_fn)(p).loss.backward();
    rlab::models::ClipGradientNorm(model->parameters(), 1.0);
    optimizer.step();
  };
  step(steps);  // warm-up, on the extra batch
  const auto start = Clock::now();
  for (int64_t i = 0; i < steps; ++i) step(i);
  const double seconds = Seconds(start);
  const double tokens_per_second = steps * 2 * batch * seq / seconds;
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  std::printf(
      "%s\n",
      fmt::format(
          R"({{"bench": "dpo", "engine": "rlab", "arch": "{}", "parameters": {}, "seq": {}, )"
          R"("pairs_per_step": {}, "torch_threads": {}, "blas_threads": {}, "steps": {}, )"
          R"("seconds": {:.3f}, "steps_per_second": {:.3f}, "pairs_per_second": {:.1f}, )"
          R"("tokens_per_second": {:.1f}, "gflops": {:.2f}}})",
          rlab::models::ArchName(config.arch), params, seq, batch, threads.torch_threads,
          threads.blas_threads, steps, seconds, steps / seconds, steps * batch / seconds,
          tokens_per_second, tokens_per_second * TrainFlopsPerToken(model, seq) / 1e9)
          .c_str());
}

void Generate(const TransformerConfig& config, int64_t batch, int64_t prompt_len,
              int64_t new_tokens, bool cache, int repeats, const std::string& save,
              const Common& common) {
  const auto threads = ApplyThreads(common);
  torch::manual_seed(1);
  Transformer model(config);
  model->eval();
  if (!save.empty()) rlab::models::SaveHfTransformer(model, save);
  rlab::models::GenerationOptions options;
  options.max_new_tokens = new_tokens;
  options.sampling.temperature = 0.0;
  options.use_cache = cache;
  std::vector<std::vector<int64_t>> prompts(batch, std::vector<int64_t>(prompt_len));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < prompt_len; ++t)
      prompts[b][t] = (7 * b + 3 * t + 1) % config.vocab_size;
  }
  at::Generator generator = rlab::models::MakeGenerator(1);
  rlab::models::Generate(model, prompts, options, generator);  // warm-up
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    const auto out = rlab::models::Generate(model, prompts, options, generator);
    best = std::min(best, Seconds(start));
    if (out.tokens.size(1) != new_tokens) std::fprintf(stderr, "stopped early\n");
  }
  // Matrix-product FLOPs per generated token (2 per weight, plus attention over the context).
  const double flops =
      2.0 * NonEmbeddingParameters(model) + 2.0 * config.hidden_size * config.vocab_size;
  std::printf(
      "%s\n",
      fmt::format(R"({{"bench": "generate", "arch": "{}", "batch": {}, "prompt": {}, )"
                  R"("new_tokens": {}, "cache": {}, "torch_threads": {}, "blas_threads": {}, )"
                  R"("seconds": {:.4f}, "tokens_per_second": {:.1f}, "ms_per_step": {:.4f}, )"
                  R"("weight_flops_per_token": {:.0f}}})",
                  rlab::models::ArchName(config.arch), batch, prompt_len, new_tokens, cache,
                  threads.torch_threads, threads.blas_threads, best, batch * new_tokens / best,
                  1e3 * best / new_tokens, flops)
          .c_str());
}

TransformerConfig Gpt2(int64_t layers, int64_t width, int64_t heads, int64_t vocab,
                       int64_t positions) {
  TransformerConfig c;
  c.arch = TransformerArch::kGpt2;
  c.vocab_size = vocab;
  c.hidden_size = width;
  c.num_layers = layers;
  c.num_heads = heads;
  c.num_kv_heads = heads;
  c.intermediate_size = 4 * width;
  c.max_positions = positions;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("language-model throughput");
  Common common;
  app.add_option("--threads", common.threads, "libtorch intra-op threads");
  app.add_option("--blas", common.blas, "OpenBLAS threads (0 = all cores)");
  std::string arch = "gpt2", preset;
  int64_t layers = 6, width = 384, heads = 6, vocab = 65, seq = 256, batch = 8, steps = 10;
  int64_t new_tokens = 256, prompt = 8;
  int cache = 1, repeats = 3;
  std::string save;
  auto add_model = [&](CLI::App* cmd) {
    cmd->add_option("--arch", arch, "gpt2 (GPT-2 shapes below) or a preset via --preset");
    cmd->add_option("--preset", preset, "tiny, small or medium (Llama, byte vocabulary)");
    cmd->add_option("--layers", layers);
    cmd->add_option("--width", width);
    cmd->add_option("--heads", heads);
    cmd->add_option("--vocab", vocab);
  };
  CLI::App* train = app.add_subcommand("train", "training tokens/s");
  add_model(train);
  train->add_option("--seq", seq);
  train->add_option("--batch", batch);
  train->add_option("--steps", steps);
  int padded_path = 0;
  train->add_option("--padded-path", padded_path,
                    "1: pass an all-ones attention mask (the padded-batch attention path)");
  CLI::App* gen = app.add_subcommand("generate", "generation tokens/s");
  add_model(gen);
  gen->add_option("--batch", batch);
  gen->add_option("--prompt", prompt);
  gen->add_option("--new-tokens", new_tokens);
  gen->add_option("--cache", cache);
  gen->add_option("--repeats", repeats);
  gen->add_option("--save", save, "write the model directory (for the Python peer)");
  CLI::App* gemm = app.add_subcommand("gemm-floor", "the matrix products of a training step alone");
  add_model(gemm);
  gemm->add_option("--seq", seq);
  gemm->add_option("--batch", batch);
  gemm->add_option("--steps", steps);
  CLI::App* rm = app.add_subcommand("rm", "reward-model training pairs/s");
  add_model(rm);
  rm->add_option("--seq", seq);
  rm->add_option("--batch", batch, "pairs per step");
  rm->add_option("--steps", steps);
  CLI::App* dpo = app.add_subcommand("dpo", "DPO training pairs/s");
  add_model(dpo);
  dpo->add_option("--seq", seq);
  dpo->add_option("--batch", batch, "pairs per step");
  dpo->add_option("--steps", steps);
  dpo->add_option("--save", save, "write the initial model directory (for the Python peer)");
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  const auto config = [&] {
    if (!preset.empty()) return *rlab::models::FindPreset(preset, vocab);
    return Gpt2(layers, width, heads, vocab, 1024);
  };
  if (train->parsed()) Train(config(), seq, batch, steps, padded_path != 0, common);
  if (gemm->parsed()) GemmFloor(config(), seq, batch, steps, common);
  if (rm->parsed()) RewardModelTrain(config(), seq, batch, steps, common);
  if (dpo->parsed()) DpoTrain(config(), seq, batch, steps, save, common);
  if (gen->parsed())
    Generate(config(), batch, prompt, new_tokens, cache != 0, repeats, save, common);
  return 0;
}
