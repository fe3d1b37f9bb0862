#include "rlab/pipeline/control/pbrl.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/core/spec.h"
#include "rlab/core/time_split.h"
#include "rlab/envs/registry.h"
#include "rlab/eval/epic_sampled.h"
#include "rlab/eval/preference_metrics.h"
#include "rlab/feedback/feedback_file.h"
#include "rlab/pipeline/control/episode_window.h"
#include "rlab/pipeline/control/policy_eval.h"
#include "rlab/prefopt/cpl_pbrl_agent.h"
#include "rlab/reward/signal/learned_reward_file.h"
#include "rlab/rl/pbrl_trainer.h"

namespace rlab::pipeline {

void PbrlConfig::Eval::Validate() const {
  RLAB_CHECK(episodes >= 1, "eval.episodes must be >= 1, got {}", episodes);
  RLAB_CHECK(heldout_pairs >= 0, "eval.heldout_pairs must be >= 0, got {}", heldout_pairs);
  RLAB_CHECK(epic_transitions == 0 || (epic_transitions >= 2 && epic_samples >= 2),
             "eval.epic_transitions must be 0 (off) or >= 2 with eval.epic_samples >= 2");
}

void PbrlConfig::Validate() const {
  prefopt::RegisterPbrlAgents();
  RLAB_CHECK(rl::PbrlAgents().Contains(Spec::Parse(algo).name), "algo must be {}, got '{}'",
             fmt::join(rl::PbrlAgents().List(), " or "), algo);
  RLAB_CHECK(steps >= 1, "steps must be >= 1, got {}", steps);
  RLAB_CHECK(!env.empty(), "env must name an environment");
  RLAB_CHECK(!teacher.empty(),
             "teacher must name a teacher (e.g. oracle), file(path=...) or people(db=...)");
  WarnAboutRunCadence(run, steps);
}

namespace {

std::unique_ptr<rl::PbrlAgent> MakePbrlAgent(const PbrlConfig& c) {
  prefopt::RegisterPbrlAgents();
  return rl::PbrlAgents().Create(
      c.algo, rl::PbrlAgentOptions{c.env, c.steps, c.feedback.start, c.run.seed, c.run.blas_threads,
                                   c.ppo, c.sac, c.pebble, c.cpl, c.teacher});
}

rl::PbrlTrainerOptions PbrlTrainerOptionsOf(const PbrlConfig& c, const RunContext& ctx) {
  rl::PbrlTrainerOptions o;
  o.total_steps = c.steps;
  o.teacher = c.teacher;
  o.people_run = {ctx.dir().path().filename().string(), ctx.dir().path(), c.env};
  o.feedback = c.feedback;
  o.reward_model = c.reward_model;
  o.heldout_pairs = c.eval.heldout_pairs;
  o.reward_trainer_seed = ctx.SeedFor("reward-trainer");
  o.query_seed = ctx.SeedFor("queries");
  return o;
}

// The learned reward against the true one: the Pearson correlation on the stored transitions
// and the sampled EPIC distance (eval/epic_sampled.h) on fixed samples, logged at every reward
// update.
class PbrlRewardDiagnostics {
 public:
  PbrlRewardDiagnostics(const PbrlConfig& c, const RunContext& ctx, rl::PbrlTrainer& trainer)
      : trainer_(trainer),
        epic_options_{trainer.agent().gamma()},
        probe_(envs::Make(c.env, 1, 0)),
        true_reward_(probe_) {
    if (c.eval.epic_transitions > 0 && trainer.agent().learns_reward_model()) {
      eval::SampleOptions eo;
      eo.num_transitions = c.eval.epic_transitions;
      eo.num_samples = c.eval.epic_samples;
      eo.num_envs = 8;
      eo.seed = ctx.SeedFor("epic");
      epic_samples_ = eval::SampleEnvTransitions(c.env, eo);
      true_canonical_ = eval::SampledEpicCanonicalise(true_reward_, *epic_samples_, epic_options_);
    }
  }

  double RewardPearson() const {
    const data::StoredTransitions t = trainer_.store().Transitions();
    if (t.obs.size(0) < 2) return std::nan("");
    const torch::Tensor r = trainer_.learned_reward()(t.obs, t.actions, t.next_obs);
    return eval::PearsonCorrelation(r, t.true_rewards);
  }

  void AppendTo(MetricList& m) const {
    const TimeSplit::Measure diagnostics(trainer_.timing(), "reward_diagnostics");
    m.emplace_back("reward_pearson", RewardPearson());
    if (epic_samples_) {
      const auto canonical =
          eval::SampledEpicCanonicalise(trainer_.learned_reward(), *epic_samples_, epic_options_);
      m.emplace_back("epic_distance", eval::SampledEpicDistance(canonical, *true_canonical_));
    }
  }

 private:
  rl::PbrlTrainer& trainer_;
  const eval::SampledEpicOptions epic_options_;
  const std::shared_ptr<const envs::VectorEnv> probe_;
  const reward::EnvReward true_reward_;
  std::optional<eval::EpicSamples> epic_samples_;
  std::optional<eval::SampledCanonical> true_canonical_;
};

// Fraction of fresh segment pairs whose larger true return the ensemble ranks higher (ties
// in the true return left out): the reward model's accuracy against oracle labels.
double PbrlHeldoutAccuracy(data::TrajectoryStore& store, reward::RewardEnsemble& ensemble,
                           int64_t pairs, Rng& rng) {
  const std::vector<int64_t> ids = store.CutSegments(2 * pairs, rng);
  const std::vector<int64_t> firsts(ids.begin(), ids.begin() + pairs);
  const std::vector<int64_t> seconds(ids.begin() + pairs, ids.end());
  std::vector<float> labels;
  for (int64_t k = 0; k < pairs; ++k) {
    const auto a = store.TrueRewards(firsts[k]);
    const auto b = store.TrueRewards(seconds[k]);
    const double ra = std::accumulate(a.begin(), a.end(), 0.0);
    const double rb = std::accumulate(b.begin(), b.end(), 0.0);
    labels.push_back(rb > ra ? 1.0f : (ra > rb ? 0.0f : 0.5f));
  }
  torch::NoGradGuard no_grad;
  const reward::PreferencePairs p{reward::ToSegmentBatch(store.Segments(firsts)),
                                  reward::ToSegmentBatch(store.Segments(seconds)),
                                  torch::tensor(labels)};
  const bool any_decided = (p.labels != 0.5f).any().item<bool>();
  const double accuracy = any_decided ? ensemble->Accuracy(p) : std::nan("");
  store.DropUnpinned();
  return accuracy;
}

nlohmann::json PbrlJsonNumber(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

// The final evaluation (gold, random and normalized returns; the reward model's held-out
// accuracy and correlation), the learned reward saved beside the run, and summary.json.
nlohmann::json EvaluatePbrlRun(const PbrlConfig& cfg, RunContext& ctx, rl::PbrlTrainer& trainer,
                               const PbrlRewardDiagnostics& diagnostics,
                               const EpisodeWindow& window) {
  TimeSplit& timing = trainer.timing();
  std::optional<TimeSplit::Measure> evaluating(std::in_place, timing, "evaluation");
  Rng eval_rng(ctx.SeedFor("eval-actions"));
  const uint64_t eval_seed = ctx.SeedFor("eval");
  const double gold = PlayEpisodes(cfg.env, cfg.eval.episodes, eval_seed,
                                   AgentPolicy(trainer.agent().agent(), true, eval_rng))
                          .mean();
  double random_return = 0;
  if (cfg.eval.random_return) {
    random_return = *cfg.eval.random_return;
  } else {
    Rng random_rng(ctx.SeedFor("random-actions"));
    random_return = PlayEpisodes(cfg.env, cfg.eval.episodes, eval_seed,
                                 UniformRandomPolicy(cfg.env, random_rng))
                        .mean();
  }
  nlohmann::json normalized = nullptr;
  if (cfg.eval.reference_return) {
    const double span = *cfg.eval.reference_return - random_return;
    RLAB_CHECK(std::abs(span) > 1e-12,
               "eval.reference_return ({}) equals the random return; give the return of the "
               "agent trained on the true reward",
               *cfg.eval.reference_return);
    normalized = (gold - random_return) / span;
  }
  const bool with_model = trainer.agent().learns_reward_model();
  double rm_accuracy = std::nan("");
  if (cfg.eval.heldout_pairs > 0 && trainer.store().stored_episodes() > 0 && with_model) {
    Rng heldout_rng(ctx.SeedFor("heldout-pairs"));
    rm_accuracy = PbrlHeldoutAccuracy(trainer.store(), trainer.ensemble(), cfg.eval.heldout_pairs,
                                      heldout_rng);
  }
  const double pearson = trainer.reward_updates() > 0 ? diagnostics.RewardPearson() : std::nan("");
  if (with_model) {
    reward::SaveLearnedReward(trainer.learned_reward(), cfg.env, ctx.dir().path() / "reward_model");
  }
  evaluating.reset();
  const double wall = ctx.wall_seconds();
  nlohmann::json time_seconds(timing.sections());
  time_seconds["other"] = wall - timing.Total();
  const rl::PreferenceRounds& rounds = trainer.rounds();
  return {
      {"gold_return", gold},
      {"random_return", random_return},
      {"reference_return", cfg.eval.reference_return ? nlohmann::json(*cfg.eval.reference_return)
                                                     : nlohmann::json(nullptr)},
      {"normalized_return", normalized},
      {"labels_asked", rounds.counts().asked},
      {"labels_answered", rounds.counts().answered},
      {"labels_missing_in_file", rounds.teacher().missing_in_file()},
      {"rm_accuracy", PbrlJsonNumber(rm_accuracy)},
      {"reward_pearson", PbrlJsonNumber(pearson)},
      {"reward_updates", trainer.reward_updates()},
      {"mean_return_last100", PbrlJsonNumber(window.mean_last100())},
      {"episodes", window.episodes()},
      {"total_steps", trainer.step()},
      {"steps_per_second", trainer.step() / std::max(wall, 1e-9)},
      {"time_seconds", time_seconds},
      {"env", cfg.env},
      {"algo", cfg.algo},
      {"teacher", rounds.teacher().Describe()}};
}

class Pbrl : public ConfiguredPipeline<PbrlConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const auto& cfg = config_;
    rl::PbrlTrainer trainer(MakePbrlAgent(cfg), PbrlTrainerOptionsOf(cfg, ctx));
    std::unique_ptr<CheckpointState> state = trainer.State();
    EpisodeWindow window;
    if (auto counters = ctx.Restore(*state)) {
      trainer.Restore(*counters);
      window.Restore(*counters, trainer.step());
      spdlog::info("resuming at step {}: episodes in progress restart", trainer.step());
    }
    const int64_t start = trainer.step();
    feedback::FeedbackWriter writer(
        ctx.dir().path() / "feedback.jsonl",
        ctx.resuming() ? std::optional<int64_t>(start > 0 ? start : -1) : std::nullopt);
    // Every checkpoint starts fresh episodes, as a resumed run does: the two stay identical.
    auto begin_episodes = [&] {
      trainer.Begin(DeriveSeed(cfg.run.seed, fmt::format("episodes-from-{}", trainer.step())));
    };
    begin_episodes();
    spdlog::info("pbrl {} on {} ({} parallel), teacher {}, {} queries at most", cfg.algo, cfg.env,
                 trainer.env().num_envs(), trainer.rounds().teacher().Describe(),
                 cfg.feedback.budget);
    const PbrlRewardDiagnostics diagnostics(cfg, ctx, trainer);
    auto counters = [&] {
      nlohmann::json c = trainer.Counters();
      window.Save(c);
      return c;
    };

    Progress progress("pbrl " + cfg.algo, cfg.steps, cfg.run.progress_seconds);
    MetricList update_metrics;
    while (trainer.step() < cfg.steps) {
      const int64_t before = trainer.step();
      rl::PbrlIteration it = trainer.Iterate();
      const int64_t step = trainer.step();
      if (!it.agent.update_metrics.empty()) update_metrics = std::move(it.agent.update_metrics);
      window.Add(it.agent.episodes);
      for (const feedback::FeedbackRecord& query : it.queries) writer.Write(query);
      if (it.feedback_metrics) {
        if (it.reward_updated) diagnostics.AppendTo(*it.feedback_metrics);
        ctx.metrics().Log(step, *it.feedback_metrics);
      }
      if (it.state_replaced) state = trainer.State();
      if (ctx.LogDue(before, step) || step >= cfg.steps) {
        MetricList m = window.Flush(step, /*with_trained_return=*/true);
        m.emplace_back("labels_asked", static_cast<double>(trainer.rounds().counts().asked));
        m.insert(m.end(), update_metrics.begin(), update_metrics.end());
        ctx.metrics().Log(step, m);
      }
      if (ctx.CheckpointDue(before, step) && step < cfg.steps) {
        const TimeSplit::Measure measure(trainer.timing(), "checkpoints");
        ctx.Checkpoint(*state, counters());
        begin_episodes();
      }
      progress.Update(step, fmt::format("return_last100={:.1f} labels={}", window.mean_last100(),
                                        trainer.rounds().counts().asked));
    }
    progress.Finish(fmt::format("return_last100={:.1f} labels={}/{}", window.mean_last100(),
                                trainer.rounds().counts().answered,
                                trainer.rounds().counts().asked));
    ctx.Checkpoint(*state, counters());
    return EvaluatePbrlRun(cfg, ctx, trainer, diagnostics, window);
  }
};

}  // namespace

PipelineRegistry::Entry PbrlEntry() {
  return {"pbrl",
          "preference-based RL for control: PrefPPO or PEBBLE from a scripted teacher or a "
          "feedback file",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<Pbrl>(); }};
}

}  // namespace rlab::pipeline
