#include "rlab/pipeline/pbrl.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <numeric>
#include <optional>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/core/time_split.h"
#include "rlab/data/trajectory_store.h"
#include "rlab/envs/observed_env.h"
#include "rlab/envs/registry.h"
#include "rlab/eval/epic_sampled.h"
#include "rlab/eval/preference_metrics.h"
#include "rlab/feedback/feedback_file.h"
#include "rlab/pipeline/episode_window.h"
#include "rlab/pipeline/policy_eval.h"
#include "rlab/pipeline/preference_rounds.h"
#include "rlab/pipeline/train_rl.h"
#include "rlab/reward/ensemble_reward_trainer.h"
#include "rlab/reward/learned_reward.h"
#include "rlab/reward/learned_reward_file.h"
#include "rlab/reward/state_entropy.h"

namespace rlab::pipeline {

void PbrlConfig::Feedback::Validate() const {
  RLAB_CHECK(budget >= 0, "feedback.budget must be >= 0, got {}", budget);
  RLAB_CHECK(batch >= 1, "feedback.batch must be >= 1, got {}", batch);
  RLAB_CHECK(every >= 1, "feedback.every must be >= 1 step, got {}", every);
  RLAB_CHECK(start >= 0, "feedback.start must be >= 0, got {}", start);
  RLAB_CHECK(segment_length >= 1, "feedback.segment_length must be >= 1, got {}", segment_length);
  RLAB_CHECK(store_episodes >= 1, "feedback.store_episodes must be >= 1, got {}", store_episodes);
}

void PbrlConfig::RewardModel::Validate() const {
  RLAB_CHECK(members >= 1, "reward_model.members must be >= 1, got {}", members);
  RLAB_CHECK(lr > 0, "reward_model.lr must be > 0, got {}", lr);
  RLAB_CHECK(batch_size >= 1 && max_epochs >= 1,
             "reward_model.batch_size and reward_model.max_epochs must be >= 1");
}

void PbrlConfig::Pebble::Validate() const {
  RLAB_CHECK(pretrain_steps >= 0, "pebble.pretrain_steps must be >= 0, got {}", pretrain_steps);
  RLAB_CHECK(entropy_k >= 1, "pebble.entropy_k must be >= 1, got {}", entropy_k);
  RLAB_CHECK(entropy_relabel_every >= 1, "pebble.entropy_relabel_every must be >= 1, got {}",
             entropy_relabel_every);
}

void PbrlConfig::Eval::Validate() const {
  RLAB_CHECK(episodes >= 1, "eval.episodes must be >= 1, got {}", episodes);
  RLAB_CHECK(heldout_pairs >= 0, "eval.heldout_pairs must be >= 0, got {}", heldout_pairs);
  RLAB_CHECK(epic_transitions == 0 || (epic_transitions >= 2 && epic_samples >= 2),
             "eval.epic_transitions must be 0 (off) or >= 2 with eval.epic_samples >= 2");
}

void PbrlConfig::Validate() const {
  RLAB_CHECK(algo == "prefppo" || algo == "pebble" || algo == "cpl",
             "algo must be prefppo, pebble or cpl, got '{}'", algo);
  RLAB_CHECK(steps >= 1, "steps must be >= 1, got {}", steps);
  RLAB_CHECK(!env.empty(), "env must name an environment");
  RLAB_CHECK(!teacher.empty(), "teacher must name a teacher (e.g. oracle) or file(path=...)");
}

namespace {

TrainRlConfig AgentConfig(const PbrlConfig& c) {
  TrainRlConfig r;
  r.env = c.env;
  r.algo = c.algo == "prefppo" ? "ppo" : "sac";
  r.steps = c.steps;
  r.ppo = c.ppo;
  r.sac = c.sac;
  r.run = c.run;
  r.Validate();
  return r;
}

// Fraction of fresh segment pairs whose larger true return the ensemble ranks higher (ties
// in the true return left out): the reward model's accuracy against oracle labels.
double HeldoutAccuracy(data::TrajectoryStore& store, reward::RewardEnsemble& ensemble,
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

class Pbrl : public ConfiguredPipeline<PbrlConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const auto& cfg = config_;
    const bool pebble = cfg.algo == "pebble";
    const bool cpl = cfg.algo == "cpl";
    RlSetup setup;
    prefopt::CplAgent* cpl_agent = nullptr;
    if (cpl) {
      envs::RegisterBuiltins();
      setup.env = envs::Make(cfg.env, cfg.cpl.num_envs, DeriveSeed(cfg.run.seed, "env"));
      auto agent = prefopt::MakeCplAgent(cfg.cpl, *setup.env, DeriveSeed(cfg.run.seed, "agent"));
      cpl_agent = agent.get();
      setup.agent = std::move(agent);
    } else {
      setup = BuildRl(AgentConfig(cfg), cfg.run.seed);
    }
    const envs::VectorEnv& env = *setup.env;
    const int64_t horizon = env.max_episode_steps();

    // The trajectory store, filled by an observer of every environment step.
    data::TrajectoryStoreOptions so;
    so.obs_dim = env.obs_dim();
    so.action_dim = env.action_dim();
    so.max_episode_steps = horizon;
    so.capacity_episodes = cfg.feedback.store_episodes;
    so.segment_length = cfg.feedback.segment_length;
    so.num_envs = env.num_envs();
    so.absorbing_padding = cfg.feedback.absorbing_padding;
    const int64_t pool = feedback::MakeQuerySelector(cfg.feedback.selector)
                             ->PoolSize(std::max<int64_t>(cfg.feedback.budget, 1));
    so.segment_capacity = 2 * cfg.feedback.budget + 2 * std::max(pool, cfg.eval.heldout_pairs) + 16;
    data::TrajectoryStore store(so);
    envs::ObservedEnv observed(setup.env, [&store](std::span<const float> obs,
                                                   std::span<const float> actions,
                                                   const envs::StepBuffers& step) {
      store.AddVectorStep(obs, actions, step);
    });
    // Where this process's time goes (summary.json's time_seconds).
    TimeSplit timing;
    observed.set_timing(&timing);

    // The reward ensemble, its trainer, and the learned reward the agent trains on (zero
    // while PEBBLE pre-trains: the state-entropy relabelling supplies its rewards then).
    reward::RewardEnsembleOptions ro;
    ro.obs_dim = env.obs_dim();
    ro.action_dim = env.action_dim();
    ro.use_next_obs = cfg.reward_model.use_next_obs;
    ro.members = cfg.reward_model.members;
    ro.hidden = cfg.reward_model.hidden;
    ro.activation = cfg.reward_model.activation;
    reward::RewardEnsemble ensemble(ro);
    reward::RewardTrainerOptions to;
    to.lr = cfg.reward_model.lr;
    to.batch_size = cfg.reward_model.batch_size;
    to.max_epochs = cfg.reward_model.max_epochs;
    to.accuracy_threshold = cfg.reward_model.accuracy_threshold;
    reward::RewardEnsembleTrainer trainer(ensemble, to, ctx.SeedFor("reward-trainer"));
    auto learned = std::make_shared<reward::LearnedReward>(ensemble);
    bool pretraining = pebble;
    setup.reward = rl::TrainingReward(std::make_shared<reward::LambdaReward>(
        [&pretraining, &timing, learned](const torch::Tensor& o, const torch::Tensor& a,
                                         const torch::Tensor& n) -> torch::Tensor {
          if (pretraining) return torch::zeros({o.size(0)}, torch::kDouble);
          const TimeSplit::Measure measure(timing, "reward_inference");
          return (*learned)(o, a, n);
        },
        learned->Describe()));

    PreferenceRoundOptions po;
    po.budget = cfg.feedback.budget;
    po.batch = cfg.feedback.batch;
    po.schedule = cfg.feedback.schedule;
    po.selector = cfg.feedback.selector;
    PreferenceRounds rounds(po, cfg.teacher, store, horizon);
    Rng query_rng(ctx.SeedFor("queries"));

    auto make_state = [&] {
      auto state = std::make_unique<CheckpointState>();
      setup.agent->AddTo(*state);
      store.AddTo(*state, "store");
      trainer.AddTo(*state, "reward");
      state->AddRng("queries", &query_rng);
      return state;
    };
    std::unique_ptr<CheckpointState> state = make_state();

    const int64_t first_round = pebble ? cfg.pebble.pretrain_steps : cfg.feedback.start;
    int64_t step = 0, reward_updates = 0, next_round = first_round;
    EpisodeWindow window;
    bool critics_reset = false;
    if (auto counters = ctx.Restore(*state)) {
      const auto& c = *counters;
      step = c["step"];
      window.Restore(c, step);
      reward_updates = c["reward_updates"];
      next_round = c["next_round"];
      critics_reset = c["critics_reset"];
      learned->set_offset(c["reward_offset"]);
      rounds.FromJson(c["feedback"]);
      // A fresh agent's critic optimisers hold a reset's restored state as well as any.
      pretraining = pebble && !critics_reset;
      spdlog::info("resuming at step {}: episodes in progress restart", step);
    }
    feedback::FeedbackWriter writer(
        ctx.dir().path() / "feedback.jsonl",
        ctx.resuming() ? std::optional<int64_t>(step > 0 ? step : -1) : std::nullopt);

    auto begin_episodes = [&] {
      store.AbandonOpenEpisodes();
      setup.agent->Begin(observed, DeriveSeed(cfg.run.seed, fmt::format("episodes-from-{}", step)));
    };
    begin_episodes();
    spdlog::info("pbrl {} on {} ({} parallel), teacher {}, {} queries at most", cfg.algo, cfg.env,
                 env.num_envs(), rounds.teacher().Describe(), cfg.feedback.budget);

    // The sampled EPIC distance between learned and true reward, on fixed samples.
    std::optional<eval::EpicSamples> epic_samples;
    std::optional<eval::SampledCanonical> true_canonical;
    const eval::SampledEpicOptions epic_options{pebble ? cfg.sac.gamma : cfg.ppo.gamma};
    const auto probe = std::shared_ptr<const envs::VectorEnv>(envs::Make(cfg.env, 1, 0));
    const reward::EnvReward true_reward(probe);
    if (cfg.eval.epic_transitions > 0 && !cpl) {
      eval::SampleOptions eo;
      eo.num_transitions = cfg.eval.epic_transitions;
      eo.num_samples = cfg.eval.epic_samples;
      eo.num_envs = 8;
      eo.seed = ctx.SeedFor("epic");
      epic_samples = eval::SampleEnvTransitions(cfg.env, eo);
      true_canonical = eval::SampledEpicCanonicalise(true_reward, *epic_samples, epic_options);
    }

    auto reward_pearson = [&] {
      const data::StoredTransitions t = store.Transitions();
      if (t.obs.size(0) < 2) return std::nan("");
      const torch::Tensor r = (*learned)(t.obs, t.actions, t.next_obs);
      return eval::PearsonCorrelation(r, t.true_rewards);
    };

    // Trains the ensemble on every label so far, refits the normalisation on the stored
    // transitions, and (PEBBLE) relabels the replay buffer.
    auto update_reward = [&] {
      const reward::PreferencePairs pairs = rounds.Pairs();
      MetricList m = {{"labels_asked", static_cast<double>(rounds.counts().asked)},
                      {"labels_answered", static_cast<double>(rounds.counts().answered)}};
      if (pairs.size() > 0) {
        std::optional<TimeSplit::Measure> learning(std::in_place, timing, "reward_learning");
        const reward::RewardTrainReport report = trainer.Train(pairs);
        const data::StoredTransitions t = store.Transitions();
        ensemble->FitNormalization(t.obs, t.actions, t.next_obs);
        double offset = 0.0;
        if (cfg.reward_model.absorbing_zero && t.absorbing.any().item<bool>()) {
          learned->set_offset(0.0);
          const torch::Tensor rows = t.absorbing.nonzero().squeeze(1);
          offset = (*learned)(t.obs.index_select(0, rows), t.actions.index_select(0, rows),
                              t.next_obs.index_select(0, rows))
                       .mean()
                       .item<double>();
        }
        learned->set_offset(offset);
        learning.reset();
        ++reward_updates;
        {
          const TimeSplit::Measure diagnostics(timing, "reward_diagnostics");
          m.insert(m.end(), {{"rm/train_accuracy", report.train_accuracy},
                             {"rm/loss", report.loss},
                             {"rm/epochs", static_cast<double>(report.epochs)},
                             {"rm/updates", static_cast<double>(reward_updates)},
                             {"rm/offset", offset},
                             {"reward_pearson", reward_pearson()}});
          if (epic_samples) {
            const auto canonical =
                eval::SampledEpicCanonicalise(*learned, *epic_samples, epic_options);
            m.emplace_back("epic_distance", eval::SampledEpicDistance(canonical, *true_canonical));
          }
        }
        if (pebble) {
          const TimeSplit::Measure relabelling(timing, "relabelling");
          setup.agent->RelabelReplay([&](const torch::Tensor& o, const torch::Tensor& a,
                                         const torch::Tensor& n) { return (*learned)(o, a, n); });
        }
      }
      ctx.metrics().Log(step, m);
    };

    // CPL: the policy itself learns from every label so far.
    auto update_policy = [&] {
      MetricList m = {{"labels_asked", static_cast<double>(rounds.counts().asked)},
                      {"labels_answered", static_cast<double>(rounds.counts().answered)}};
      const TimeSplit::Measure learning(timing, "reward_learning");
      const MetricList trained = cpl_agent->TrainOnPreferences(rounds.Pairs());
      m.insert(m.end(), trained.begin(), trained.end());
      ctx.metrics().Log(step, m);
    };

    auto counters = [&] {
      nlohmann::json c{{"step", step},
                       {"reward_updates", reward_updates},
                       {"next_round", next_round},
                       {"critics_reset", critics_reset},
                       {"reward_offset", learned->offset()},
                       {"feedback", rounds.ToJson()}};
      window.Save(c);
      return c;
    };

    const reward::StateEntropyOptions entropy{.k = cfg.pebble.entropy_k};
    Progress progress("pbrl " + cfg.algo, cfg.steps, cfg.run.progress_seconds);
    MetricList update_metrics;
    while (step < cfg.steps) {
      // The agent's own work is the iteration less the environment and reward calls in it.
      const auto inside = [&] { return timing.Total({"env_steps", "observer", "reward_inference"}); };
      const double inside_before = inside();
      const auto iteration_start = TimeSplit::Clock::now();
      rl::IterationReport report = setup.agent->Iterate(observed, setup.reward);
      const std::chrono::duration<double> iteration = TimeSplit::Clock::now() - iteration_start;
      timing.Add("agent_updates", iteration.count() - (inside() - inside_before));
      const int64_t before = step;
      step += report.env_steps;
      if (!report.update_metrics.empty()) update_metrics = std::move(report.update_metrics);
      window.Add(report.episodes);

      if (pretraining) {
        // PEBBLE's unsupervised phase: the buffer's rewards are the state entropy of its
        // next observations against all the others.
        const int64_t every = cfg.pebble.entropy_relabel_every;
        if (before / every != step / every) {
          const TimeSplit::Measure measure(timing, "state_entropy");
          setup.agent->RelabelReplay([&](const torch::Tensor&, const torch::Tensor&,
                                         const torch::Tensor& n) {
            return n.size(0) > entropy.k ? reward::StateEntropyRewards(n, entropy)
                                         : torch::zeros({n.size(0)}, torch::kDouble);
          });
        }
      }
      // No round once the agent is done: its labels could no longer change the policy (and an
      // iteration may step past cfg.steps, beyond the query schedule's range).
      if (step >= next_round && step < cfg.steps && store.stored_episodes() > 0) {
        next_round = std::max(next_round + cfg.feedback.every, step);
        if (rounds.budget_left()) {
          int64_t asked = 0;
          {
            const TimeSplit::Measure querying(timing, "queries");
            asked = rounds.Ask(step, cfg.steps, cpl ? nullptr : &ensemble,
                               /*uniform=*/reward_updates == 0, writer, query_rng);
          }
          if (asked > 0) cpl ? update_policy() : update_reward();
        }
        if (pebble && pretraining) {
          pretraining = false;
          critics_reset = true;
          setup.agent->ResetCritics();
          state = make_state();
        }
      }

      if (ctx.LogDue(before, step) || step >= cfg.steps) {
        MetricList m = window.Flush(step, /*with_trained_return=*/true);
        m.emplace_back("labels_asked", static_cast<double>(rounds.counts().asked));
        m.insert(m.end(), update_metrics.begin(), update_metrics.end());
        ctx.metrics().Log(step, m);
      }
      if (ctx.CheckpointDue(before, step) && step < cfg.steps) {
        const TimeSplit::Measure measure(timing, "checkpoints");
        ctx.Checkpoint(*state, counters());
        begin_episodes();  // as a resumed run does: the two stay identical
      }
      progress.Update(step, fmt::format("return_last100={:.1f} labels={}", window.mean_last100(),
                                        rounds.counts().asked));
    }
    progress.Finish(fmt::format("return_last100={:.1f} labels={}/{}", window.mean_last100(),
                                rounds.counts().answered, rounds.counts().asked));
    ctx.Checkpoint(*state, counters());

    // Final evaluation.
    std::optional<TimeSplit::Measure> evaluating(std::in_place, timing, "evaluation");
    Rng eval_rng(ctx.SeedFor("eval-actions"));
    const uint64_t eval_seed = ctx.SeedFor("eval");
    const double gold =
        PlayEpisodes(cfg.env, cfg.eval.episodes, eval_seed, AgentPolicy(*setup.agent, true, eval_rng))
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
    double rm_accuracy = std::nan("");
    if (cfg.eval.heldout_pairs > 0 && store.stored_episodes() > 0 && !cpl) {
      Rng heldout_rng(ctx.SeedFor("heldout-pairs"));
      rm_accuracy = HeldoutAccuracy(store, ensemble, cfg.eval.heldout_pairs, heldout_rng);
    }
    const double pearson = reward_updates > 0 ? reward_pearson() : std::nan("");
    auto number = [](double x) -> nlohmann::json { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    if (!cpl) reward::SaveLearnedReward(*learned, cfg.env, ctx.dir().path() / "reward_model");
    evaluating.reset();
    const double wall = ctx.wall_seconds();
    nlohmann::json time_seconds(timing.sections());
    time_seconds["other"] = wall - timing.Total();
    return {{"gold_return", gold},
            {"random_return", random_return},
            {"reference_return", cfg.eval.reference_return ? nlohmann::json(*cfg.eval.reference_return)
                                                           : nlohmann::json(nullptr)},
            {"normalized_return", normalized},
            {"labels_asked", rounds.counts().asked},
            {"labels_answered", rounds.counts().answered},
            {"labels_missing_in_file", rounds.teacher().missing_in_file()},
            {"rm_accuracy", number(rm_accuracy)},
            {"reward_pearson", number(pearson)},
            {"reward_updates", reward_updates},
            {"mean_return_last100", number(window.mean_last100())},
            {"episodes", window.episodes()},
            {"total_steps", step},
            {"steps_per_second", step / std::max(wall, 1e-9)},
            {"time_seconds", time_seconds},
            {"env", cfg.env},
            {"algo", cfg.algo},
            {"teacher", rounds.teacher().Describe()}};
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
