// The data cursor lives in core (core/epoch_cursor.h), below every trainer that draws batches;
// the pipelines and trainers that spell it pipeline::EpochCursor keep doing so.
#pragma once

#include "rlab/core/epoch_cursor.h"

namespace rlab::pipeline {

using rlab::AllIndices;
using rlab::EpochCursor;

}  // namespace rlab::pipeline
