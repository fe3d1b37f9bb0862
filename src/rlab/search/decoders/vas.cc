// vas(beta, top_k, ...): Value Augmented Sampling (Han et al., "Value Augmented Sampling for
// Language Model Alignment and Personalization", arXiv:2405.06639; search/token_value.h).
// When the decoder is built it samples `samples` completions of each of `prompts` training
// prompts from the frozen policy, rewards each with its weakest step's score by the step scorer
// (the signal best_of_n picks by), and fits the value Q(s, a) on them; it then decodes every
// token from pi_base * exp(beta Q) over the base's top_k tokens. The base is never trained.
// At this scale: Monte-Carlo value targets instead of TD(lambda), one round of samples, the
// value model a copy of the policy (the paper's is a smaller model of the same family).
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/search/search_decoder.h"
#include "rlab/search/token_value.h"

namespace rlab::search {

namespace {

struct VasOptions {
  double beta = 0;
  int64_t top_k = 0;
  int64_t prompts = 0;
  int64_t samples = 0;
  int64_t steps = 0;
  int64_t batch_size = 0;
  double learning_rate = 0;
};

class Vas : public SearchDecoder {
 public:
  Vas(const SearchContext& context, const VasOptions& options)
      : context_(context), options_(options), value_(context.policy) {
    RLAB_CHECK(
        options.beta >= 0 && options.top_k >= 0 && options.prompts >= 1 && options.samples >= 1,
        "vas: beta and top_k must be >= 0, prompts and samples >= 1");
    RLAB_CHECK(context.scorer && context.task->Steps(),
               "vas: fitting the value needs a step scorer (a process reward source) and a task "
               "with steps");
    Rng rng(DeriveSeed(context.seed, "vas prompts"));
    std::vector<std::string> prompts;
    for (int64_t i = 0; i < options.prompts; ++i) {
      prompts.push_back(context.task->Sample(rng, data::TaskSplit::kTrain).prompt);
    }
    at::Generator generator = models::MakeGenerator(DeriveSeed(context.seed, "vas samples"));
    int64_t tokens = 0;
    const std::vector<std::string> none(prompts.size());
    const Continuations samples =
        SampleContinuations(context, prompts, none, options.samples, {}, generator, &tokens);
    std::vector<std::string> repeated;
    for (const std::string& p : prompts) {
      repeated.insert(repeated.end(), static_cast<std::size_t>(options.samples), p);
    }
    std::vector<float> rewards;
    for (const auto& s : ScoreSteps(context, repeated, samples.texts)) {
      rewards.push_back(s.empty() ? 0.0f
                                  : static_cast<float>(*std::min_element(s.begin(), s.end())));
    }
    const std::vector<double> losses =
        FitTokenValue(value_, {samples.out, torch::tensor(rewards)}, options.steps,
                      options.batch_size, options.learning_rate, generator);
    spdlog::info("vas: value fitted on {} samples ({} tokens), loss {:.4f} -> {:.4f}",
                 rewards.size(), tokens, losses.front(), losses.back());
  }

  SearchOutput Decode(const std::vector<std::string>& prompts,
                      at::Generator& generator) const override {
    std::vector<std::vector<int64_t>> ids;
    for (const std::string& p : prompts) ids.push_back(context_.tokenizer->EncodeWithBos(p));
    models::Transformer policy = context_.policy;
    TokenValueModel value = value_;
    const models::GenerationOutput out = GenerateWithValue(
        policy, value, options_.beta, options_.top_k, ids, context_.generation, generator);
    SearchOutput result;
    result.policy_tokens = result.value_tokens = out.mask.sum().item<int64_t>();
    for (int64_t b = 0; b < out.tokens.size(0); ++b) {
      result.completions.push_back(context_.tokenizer->Decode(out.Completion(b), true));
    }
    return result;
  }

  std::string Describe() const override {
    return fmt::format("vas(beta={}, top_k={})", options_.beta, options_.top_k);
  }

 private:
  SearchContext context_;
  VasOptions options_;
  TokenValueModel value_;
};

}  // namespace

SearchDecoderRegistry::Entry ValueAugmentedDecoder() {
  return {"vas",
          "Value Augmented Sampling: tokens from pi_base * exp(beta Q), Q fitted on the policy's "
          "own samples",
          {{"beta", "4", "weight of the value against the base log-probabilities"},
           {"top_k", "10", "base tokens the value may reweigh (0: all)"},
           {"prompts", "128", "training prompts the value is fitted on"},
           {"samples", "4", "completions sampled per training prompt"},
           {"steps", "150", "Adam steps of the value fit"},
           {"batch_size", "32", "samples per step of the value fit"},
           {"lr", "3e-4", "the value fit's learning rate"}},
          [](const SpecArgs& args, const SearchContext& context) {
            VasOptions o;
            o.beta = args.Get<double>("beta");
            o.top_k = args.Get<int64_t>("top_k");
            o.prompts = args.Get<int64_t>("prompts");
            o.samples = args.Get<int64_t>("samples");
            o.steps = args.Get<int64_t>("steps");
            o.batch_size = args.Get<int64_t>("batch_size");
            o.learning_rate = args.Get<double>("lr");
            return std::make_unique<Vas>(context, o);
          }};
}

}  // namespace rlab::search
