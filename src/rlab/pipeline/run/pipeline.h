// Pipelines: the runs that wire stages together. Each is registered by name; a config file
// names one with `pipeline: NAME`, and its sections fill the pipeline's config struct.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

#include "rlab/core/config.h"
#include "rlab/core/registry.h"
#include "rlab/pipeline/run/run_context.h"
#include "rlab/pipeline/run/run_options.h"

namespace rlab::pipeline {

class Pipeline {
 public:
  virtual ~Pipeline() = default;
  // The field table of this pipeline's config (bound to the live object).
  virtual config::FieldTable Fields() = 0;
  virtual const RunOptions& run_options() const = 0;
  // Runs to the end (resuming when ctx says so) and returns the summary's headline figures.
  virtual nlohmann::json Run(RunContext& ctx) = 0;
};

// Base for a pipeline whose config is the struct `Config` (which has a `run` section).
template <class Config>
class ConfiguredPipeline : public Pipeline {
 public:
  config::FieldTable Fields() override { return config::FieldTable::Of(config_); }
  const RunOptions& run_options() const override { return config_.run; }

 protected:
  Config config_;
};

using PipelineRegistry = Registry<Pipeline>;
PipelineRegistry& Pipelines();

// Registers the pipelines that ship with rewardlab (safe to call more than once).
void RegisterBuiltins();

}  // namespace rlab::pipeline
