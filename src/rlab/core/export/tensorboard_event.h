// TensorBoard's Event protocol buffer, hand-encoded for the two kinds rlab writes: the file
// version that opens every events file and a summary of scalars. Only the fields used are
// written (field numbers of tensorflow/core/util/event.proto and framework/summary.proto):
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; }
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace rlab::tensorboard {

// The version TensorBoard and W&B expect in the first event of a file.
inline constexpr std::string_view kFileVersion = "brain.Event:2";

std::string FileVersionEvent(double wall_time);
// One Event holding a Summary with one simple_value per entry of `scalars` (tag -> value),
// stored as float32 as TensorBoard's scalars are.
std::string ScalarsEvent(double wall_time, int64_t step,
                         const std::map<std::string, double>& scalars);

// The wall_time of an Event written by the functions above (its first field); nullopt for
// bytes that do not start with one.
std::optional<double> WallTimeOf(std::string_view event);

}  // namespace rlab::tensorboard
