#include "rlab/pipeline/bt_recovery.h"
#include "rlab/pipeline/dpo.h"
#include "rlab/pipeline/eval_rm.h"
#include "rlab/pipeline/lm_rl.h"
#include "rlab/pipeline/overopt.h"
#include "rlab/pipeline/pbrl.h"
#include "rlab/pipeline/pipeline.h"
#include "rlab/pipeline/sft.h"
#include "rlab/pipeline/train_rl.h"
#include "rlab/pipeline/train_rm.h"

namespace rlab::pipeline {

PipelineRegistry& Pipelines() {
  static PipelineRegistry registry("pipeline");
  return registry;
}

void RegisterBuiltins() {
  PipelineRegistry& r = Pipelines();
  if (!RegisterOnce(r)) return;
  r.Register(BtRecoveryEntry());
  r.Register(TrainRlEntry());
  r.Register(PbrlEntry());
  r.Register(SftEntry());
  r.Register(TrainRmEntry());
  r.Register(EvalRmEntry());
  r.Register(DpoEntry());
  r.Register(LmRlEntry());
  r.Register(OveroptEntry());
}

}  // namespace rlab::pipeline
