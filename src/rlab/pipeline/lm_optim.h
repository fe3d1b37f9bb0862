// The optimiser settings every language-model trainer shares live beside the optimisers, in
// models/lm_optim.h; the pipelines that configure them spell them pipeline::LmOptim too.
#pragma once

#include "rlab/models/lm_optim.h"

namespace rlab::pipeline {

using models::LmOptim;
using models::MakeAdamW;
using models::SetLearningRate;

}  // namespace rlab::pipeline
