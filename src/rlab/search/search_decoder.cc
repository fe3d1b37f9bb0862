#include "rlab/search/search_decoder.h"

#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"

namespace rlab::search {

SearchDecoderRegistry& SearchDecoders() {
  static SearchDecoderRegistry registry("search decoder");
  return registry;
}

void RegisterSearchDecoders() {
  SearchDecoderRegistry& r = SearchDecoders();
  if (!RegisterOnce(r)) return;
  r.Register(SampleDecoder());
  r.Register(BestOfNDecoder());
  r.Register(RestMctsDecoder());
  r.Register(ValueAugmentedDecoder());
}

std::unique_ptr<SearchDecoder> MakeSearchDecoder(std::string_view spec,
                                                 const SearchContext& context) {
  RLAB_CHECK(context.policy && context.tokenizer && context.task,
             "search decoder '{}': needs a policy, its tokenizer and a task", spec);
  RegisterSearchDecoders();
  return SearchDecoders().Create(spec, context);
}

Continuations SampleContinuations(const SearchContext& context,
                                  const std::vector<std::string>& prompts,
                                  const std::vector<std::string>& prefixes, int64_t per_prompt,
                                  const std::vector<int64_t>& extra_stop_ids,
                                  at::Generator& generator, int64_t* policy_tokens) {
  RLAB_CHECK(prefixes.size() == prompts.size() && per_prompt >= 1,
             "search: {} prompts with {} prefixes and {} samples each", prompts.size(),
             prefixes.size(), per_prompt);
  const models::Tokenizer& tokenizer = *context.tokenizer;
  std::vector<std::vector<int64_t>> inputs;
  int64_t longest_input = 0, longest_prefix = 0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    std::vector<int64_t> ids = tokenizer.EncodeWithBos(prompts[i]);
    const std::vector<int64_t> prefix = tokenizer.Encode(prefixes[i]);
    ids.insert(ids.end(), prefix.begin(), prefix.end());
    longest_input = std::max<int64_t>(longest_input, static_cast<int64_t>(ids.size()));
    longest_prefix = std::max<int64_t>(longest_prefix, static_cast<int64_t>(prefix.size()));
    for (int64_t s = 0; s < per_prompt; ++s) inputs.push_back(ids);
  }
  models::GenerationOptions options = context.generation;
  // The whole completion keeps within the context's budget, and the batch within the
  // model's positions.
  options.max_new_tokens =
      std::max<int64_t>(1, std::min(options.max_new_tokens - longest_prefix,
                                    context.policy->config().max_positions - longest_input));
  options.stop_token_ids.insert(options.stop_token_ids.end(), extra_stop_ids.begin(),
                                extra_stop_ids.end());
  Continuations result;
  models::Transformer policy = context.policy;  // a handle: Generate takes it by reference
  result.out = models::Generate(policy, inputs, options, generator);
  const models::GenerationOutput& out = result.out;
  *policy_tokens += out.mask.sum().item<int64_t>();
  const std::vector<int64_t>& own_stops = context.generation.stop_token_ids;
  for (int64_t b = 0; b < out.tokens.size(0); ++b) {
    const std::vector<int64_t> ids = out.Completion(b);
    result.texts.push_back(tokenizer.Decode(ids, /*skip_special=*/true));
    result.stopped.push_back(!ids.empty() && std::find(own_stops.begin(), own_stops.end(),
                                                       ids.back()) != own_stops.end());
  }
  return result;
}

std::vector<std::vector<double>> ScoreSteps(const SearchContext& context,
                                            const std::vector<std::string>& prompts,
                                            const std::vector<std::string>& completions) {
  const data::StepTruth* steps = context.task->Steps();
  RLAB_CHECK(context.scorer && steps,
             "search: scoring steps needs a step scorer (a process reward source) and a task "
             "with steps");
  RLAB_CHECK(prompts.size() == completions.size() && !prompts.empty(),
             "search: {} prompts for {} completions to score", prompts.size(), completions.size());
  const models::Tokenizer& tokenizer = *context.tokenizer;
  const int64_t pad = context.generation.pad_token_id;
  // The completions laid out as a generation of them: [N, T] tokens, mask and log-probabilities.
  std::vector<std::vector<int64_t>> prompt_ids, completion_ids;
  int64_t width = 1;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    prompt_ids.push_back(tokenizer.EncodeWithBos(prompts[i]));
    completion_ids.push_back(tokenizer.Encode(completions[i]));
    width = std::max<int64_t>(width, static_cast<int64_t>(completion_ids.back().size()));
  }
  const int64_t n = static_cast<int64_t>(prompts.size());
  models::GenerationOutput out;
  out.prompts = models::LeftPad(prompt_ids, pad);
  out.tokens = torch::full({n, width}, pad, torch::kInt64);  // [N, T]
  out.mask = torch::zeros({n, width}, torch::kInt64);        // [N, T]
  out.logprobs = torch::zeros({n, width}, torch::kFloat32);  // [N, T]
  for (int64_t i = 0; i < n; ++i) {
    const auto& ids = completion_ids[i];
    const int64_t len = static_cast<int64_t>(ids.size());
    if (len == 0) continue;
    out.tokens[i].slice(0, 0, len).copy_(torch::tensor(ids, torch::kInt64));
    out.mask[i].slice(0, 0, len).fill_(1);
  }
  const reward::ProcessRewards placed = context.scorer->Score({prompts, completions, out});
  const auto rewards = placed.rewards.accessor<float, 2>();
  std::vector<std::vector<double>> scores(prompts.size());
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> ends =
        reward::StepEndTokens(tokenizer, completion_ids[i], steps->StepEnds(completions[i]));
    for (const int64_t t : ends) scores[i].push_back(rewards[i][t]);
  }
  return scores;
}

}  // namespace rlab::search
