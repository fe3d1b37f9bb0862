// Fuzzing the YAML config reader and `key=value` overrides: every mutant of a config applies
// cleanly or fails with an rlab::Error; nothing crashes, hangs or throws a yaml-cpp exception.
#include <gtest/gtest.h>

#include "fuzz_support.h"
#include "rlab/core/config.h"

namespace rlab::config {
namespace {

using testing::Fuzz;
using testing::FuzzOptions;

struct FuzzRun {
  std::string name = "demo";
  uint64_t seed = 1;
  int log_every = 10;
  std::optional<int64_t> checkpoint_every;
  template <class V>
  void Fields(V& v) {
    v("name", name, "run name");
    v("seed", seed, "seed");
    v("log_every", log_every, "log every n steps");
    v("checkpoint_every", checkpoint_every, "checkpoint every n steps");
  }
};

struct FuzzConfig {
  std::string env = "CartPole-v1";
  int64_t steps = 1000;
  double lr = 1e-3;
  bool reward = true;
  std::vector<int64_t> hidden{64, 64};
  std::vector<double> betas{0.9, 0.999};
  std::vector<std::string> tags;
  FuzzRun run;
  template <class V>
  void Fields(V& v) {
    v("env", env, "environment");
    v("steps", steps, "steps");
    v("lr", lr, "learning rate");
    v("reward", reward, "log rewards");
    v("hidden", hidden, "widths");
    v("betas", betas, "betas");
    v("tags", tags, "tags");
    v("run", run, "run settings");
  }
  void Validate() const { RLAB_CHECK(steps > 0, "steps must be > 0, got {}", steps); }
};

const std::vector<std::string> kYamlSeeds{
    "pipeline: train-rl\nenv: CartPole-v1\nsteps: 500000\nreward: true\nrun:\n  name: ppo\n"
    "  seed: 1\n  log_every: 10000\n  checkpoint_every: 100000\n",
    "# comment\nlr: 2.5e-4\nhidden: [8, 16, 32]\nbetas: [0.5, 0.99]\ntags: [a, 'b c']\n",
    "run: {name: x, seed: 7, checkpoint_every: auto}\nsteps: 1e6\n",
    "hidden:\n  - 4\n  - 5\ntags:\n  - \"q\"\nrun:\n  log_every: 3\n",
    "---\nenv: \"Pendulum-v1\"\nlr: .inf\nreward: off\n...\n",
};

const std::vector<std::string> kYamlDictionary{"pipeline",
                                               "env",
                                               "steps",
                                               "lr",
                                               "reward",
                                               "hidden",
                                               "betas",
                                               "tags",
                                               "run",
                                               "name",
                                               "seed",
                                               "log_every",
                                               "checkpoint_every",
                                               "auto",
                                               "~",
                                               "---",
                                               "...",
                                               "? ",
                                               "|",
                                               ">",
                                               "%YAML"};

TEST(ConfigFuzz, MutatedYamlConfigsApplyOrFailCleanly) {
  FuzzOptions options{.name = "config-yaml",
                      .seeds = kYamlSeeds,
                      .dictionary = kYamlDictionary,
                      .openers = {"[", "{a: ", "- ", "  a:\n  ", "? "},
                      .cases = 1000};
  testing::ExpectNoFaults(Fuzz(options, [](const std::string& text) {
    FuzzConfig config;
    FieldTable table = FieldTable::Of(config);
    table.ApplyYamlText(text, "fuzz.yaml", {"pipeline"});
    table.Validate();
    (void)table.ToYaml();
  }));
}

TEST(ConfigFuzz, MutatedOverridesApplyOrFailCleanly) {
  FuzzOptions options{
      .name = "config-override",
      .seeds = {"lr=1e-2", "run.seed=3", "hidden=[1, 2]", "tags=[]", "run.checkpoint_every=auto",
                "reward=false", "env=a=b", "betas=[0.1,0.2]", "run.name=\"x y\""},
      .dictionary = kYamlDictionary,
      .openers = {"[", "{a: ", "- "},
      .cases = 1000};
  testing::ExpectNoFaults(Fuzz(options, [](const std::string& text) {
    FuzzConfig config;
    FieldTable table = FieldTable::Of(config);
    table.ApplyOverride(text);
    table.Validate();
  }));
}

}  // namespace
}  // namespace rlab::config
