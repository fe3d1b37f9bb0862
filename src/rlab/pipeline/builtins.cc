#include "rlab/pipeline/bt_recovery.h"
#include "rlab/pipeline/pipeline.h"

namespace rlab::pipeline {

PipelineRegistry& Pipelines() {
  static PipelineRegistry registry("pipeline");
  return registry;
}

void RegisterBuiltins() {
  PipelineRegistry& r = Pipelines();
  if (!r.Contains("bt-recovery")) r.Register(BtRecoveryEntry());
}

}  // namespace rlab::pipeline
