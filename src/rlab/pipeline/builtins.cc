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
  if (!r.Contains("bt-recovery")) r.Register(BtRecoveryEntry());
  if (!r.Contains("train-rl")) r.Register(TrainRlEntry());
  if (!r.Contains("pbrl")) r.Register(PbrlEntry());
  if (!r.Contains("sft")) r.Register(SftEntry());
  if (!r.Contains("train-rm")) r.Register(TrainRmEntry());
  if (!r.Contains("eval-rm")) r.Register(EvalRmEntry());
  if (!r.Contains("dpo")) r.Register(DpoEntry());
  if (!r.Contains("rl")) r.Register(LmRlEntry());
  if (!r.Contains("overopt")) r.Register(OveroptEntry());
}

}  // namespace rlab::pipeline
