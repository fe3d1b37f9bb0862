// rest_mcts(rollouts, width, c): the search of ReST-MCTS* (Zhang et al., "ReST-MCTS*: LLM
// Self-Training via Process Reward Guided Tree Search", arXiv:2406.03816), over the task's
// steps (search/step_tree.h). Each of `rollouts` iterations, for every prompt at once (one
// batched generation): select a partial solution by UCT (exploration constant c), sample its
// next step from the policy (up to the step delimiter or EOS), read the step scorer's score of
// the new partial solution (its last step's process reward: the paper's value model of partial
// solutions) and back it up. A node takes at most `width` children. A prompt whose search found
// no final answer finishes its best partial solution with one sample. The answer is the
// finished solution of highest value; every finished solution is returned as a trace for
// self-training (which ReST-MCTS* filters by the oracle's verdict before fine-tuning on it).
//
// At this scale: the value is the step scorer's (a process reward source: the task's gold
// labels, the gameable proxy or a trained PRM), not a value model trained with the policy; the
// paper's self-critic and its multi-step expansion are left out; one new step per iteration.
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/search/search_decoder.h"
#include "rlab/search/step_tree.h"

namespace rlab::search {

namespace {

struct RestMctsOptions {
  int64_t rollouts = 0;
  int64_t width = 0;
  double c = 0;
};

class RestMcts : public SearchDecoder {
 public:
  RestMcts(const SearchContext& context, RestMctsOptions options)
      : context_(context), options_(options) {
    RLAB_CHECK(options.rollouts >= 1 && options.width >= 1 && options.c >= 0,
               "rest_mcts: rollouts and width must be >= 1 and c >= 0, got {}, {} and {}",
               options.rollouts, options.width, options.c);
    const data::StepTruth* steps = context.task->Steps();
    RLAB_CHECK(context.scorer && steps,
               "rest_mcts: needs a step scorer (a process reward source) and a task with steps");
    delimiter_ = steps->Delimiter();
    const std::vector<int64_t> ids = context.tokenizer->Encode(delimiter_);
    RLAB_CHECK(!ids.empty(), "rest_mcts: the task's step delimiter '{}' has no tokens", delimiter_);
    delimiter_end_ = ids.back();
  }

  SearchOutput Decode(const std::vector<std::string>& prompts,
                      at::Generator& generator) const override {
    SearchOutput out;
    std::vector<StepTree> trees(prompts.size());
    for (int64_t r = 0; r < options_.rollouts; ++r) {
      std::vector<std::size_t> active;
      std::vector<int> selected;
      for (std::size_t p = 0; p < trees.size(); ++p) {
        const int at = trees[p].Select(options_.width, options_.c);
        if (at >= 0) active.push_back(p), selected.push_back(at);
      }
      if (active.empty()) break;
      Expand(prompts, active, selected, /*to_the_end=*/false, trees, generator, out);
    }
    // Prompts without a final answer finish their best partial solution.
    std::vector<std::size_t> unfinished;
    std::vector<int> starts;
    for (std::size_t p = 0; p < trees.size(); ++p) {
      if (trees[p].BestFinished() < 0)
        unfinished.push_back(p), starts.push_back(trees[p].BestOpen());
    }
    if (!unfinished.empty()) {
      Expand(prompts, unfinished, starts, /*to_the_end=*/true, trees, generator, out);
    }
    for (std::size_t p = 0; p < trees.size(); ++p) {
      const StepTree& tree = trees[p];
      out.completions.push_back(tree.node(tree.BestFinished()).text);
      std::vector<std::string> finished;
      std::vector<uint8_t> right(static_cast<std::size_t>(tree.size()), 0);
      for (const int i : tree.Finished()) {
        finished.push_back(tree.node(i).text);
        right[i] = context_.task->GoldReward(prompts[p], tree.node(i).text) > 0.5;
      }
      out.traces.push_back(std::move(finished));
      std::vector<StepValue> values;
      for (const StepTarget& t : tree.Targets(right)) {
        if (!std::isnan(t.monte_carlo)) {
          values.push_back({tree.node(t.node).text, t.monte_carlo, t.quality});
        }
      }
      out.step_values.push_back(std::move(values));
    }
    return out;
  }

  std::string Describe() const override {
    return fmt::format("rest_mcts(rollouts={}, width={}, c={})", options_.rollouts, options_.width,
                       options_.c);
  }

 private:
  // Samples one continuation of node at[i] of prompt which[i]'s tree: its next step, or with
  // `to_the_end` the rest of the completion; scores and adds it.
  void Expand(const std::vector<std::string>& prompts, const std::vector<std::size_t>& which,
              const std::vector<int>& at, bool to_the_end, std::vector<StepTree>& trees,
              at::Generator& generator, SearchOutput& out) const {
    std::vector<std::string> ps, prefixes;
    for (std::size_t i = 0; i < which.size(); ++i) {
      ps.push_back(prompts[which[i]]);
      prefixes.push_back(trees[which[i]].node(at[i]).text);
    }
    const std::vector<int64_t> stops =
        to_the_end ? std::vector<int64_t>{} : std::vector<int64_t>{delimiter_end_};
    const Continuations next =
        SampleContinuations(context_, ps, prefixes, 1, stops, generator, &out.policy_tokens);
    std::vector<std::string> texts;
    std::vector<uint8_t> finished;
    for (std::size_t i = 0; i < which.size(); ++i) {
      std::string step = next.texts[i];
      const std::size_t cut = to_the_end ? std::string::npos : step.find(delimiter_);
      // A step ends at the delimiter; text without one is the final answer (EOS, or the token
      // budget ran out).
      if (cut != std::string::npos) step.resize(cut + delimiter_.size());
      texts.push_back(prefixes[i] + step);
      finished.push_back(cut == std::string::npos);
    }
    const auto scores = ScoreSteps(context_, ps, texts);
    out.scored += static_cast<int64_t>(texts.size());
    for (std::size_t i = 0; i < which.size(); ++i) {
      const double value = scores[i].empty() ? 0.0 : scores[i].back();
      trees[which[i]].Add(at[i], texts[i], value, finished[i], options_.width);
    }
  }

  SearchContext context_;
  RestMctsOptions options_;
  std::string delimiter_;
  int64_t delimiter_end_ = 0;
};

}  // namespace

SearchDecoderRegistry::Entry RestMctsDecoder() {
  return {"rest_mcts",
          "ReST-MCTS*: UCT tree search over steps, valued by the step scorer",
          {{"rollouts", "16", "expansions per prompt (one new step each)"},
           {"width", "3", "children a partial solution may have"},
           {"c", "1.0", "UCT exploration constant"}},
          [](const SpecArgs& args, const SearchContext& context) {
            return std::make_unique<RestMcts>(
                context, RestMctsOptions{args.Get<int64_t>("rollouts"), args.Get<int64_t>("width"),
                                         args.Get<double>("c")});
          }};
}

}  // namespace rlab::search
