#include "rlab/pipeline/lab/bt_recovery.h"
#include "rlab/pipeline/lm/dpo.h"
#include "rlab/pipeline/lm/eval_rm.h"
#include "rlab/pipeline/lm/lm_rl.h"
#include "rlab/pipeline/lm/online_po.h"
#include "rlab/pipeline/lab/overopt.h"
#include "rlab/pipeline/control/pbrl.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/lm/sft.h"
#include "rlab/pipeline/control/train_rl.h"
#include "rlab/pipeline/lm/train_prm.h"
#include "rlab/pipeline/lm/train_rm.h"

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
  r.Register(TrainPrmEntry());
  r.Register(DpoEntry());
  r.Register(LmRlEntry());
  r.Register(OnlinePoEntry());
  r.Register(OveroptEntry());
}

}  // namespace rlab::pipeline
