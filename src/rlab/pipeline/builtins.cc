#include "rlab/pipeline/bt_recovery.h"
#include "rlab/pipeline/pbrl.h"
#include "rlab/pipeline/pipeline.h"
#include "rlab/pipeline/sft.h"
#include "rlab/pipeline/train_rl.h"

namespace rlab::pipeline {

PipelineRegistry& Pipelines() {
  static PipelineRegistry registry("pipeline");
  return registry;
}

void RegisterBuiltins() {
  PipelineRegistry& r = Pipelines();
  if (!r.Contains("bt-recovery")) r.Register(BtRecoveryEntry());
  if (!r.Contains("train-rl")) r.Register(TrainRlEntry());
  if (!r.Contains("pbrl")) r.Register(PbrlEntry());
  if (!r.Contains("sft")) r.Register(SftEntry());
}

}  // namespace rlab::pipeline
