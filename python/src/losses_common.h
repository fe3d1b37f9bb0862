// What the bindings of rewardlab._core.losses share: the checks on the tensors users pass in,
// so that a wrong dtype is a rewardlab error naming the function and argument, and torch's own
// errors (shapes that do not broadcast, tensors on different devices) raised inside a loss
// become rewardlab errors naming the loss.
#pragma once

#include <c10/util/Exception.h>
#include <torch/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "bindings.h"
#include "rlab/core/check.h"

namespace rewardlab_python::losses {

// `tensor` itself (no copy), after checking that it holds floating-point values: log-probs,
// rewards and losses are never integers, and an integer tensor would fail deep inside a formula.
inline const torch::Tensor& Floating(const torch::Tensor& tensor, std::string_view function,
                                     std::string_view argument) {
  RLAB_CHECK(tensor.is_floating_point(),
             "{}: {} must be a floating-point tensor (float32 or float64), got {}; convert it "
             "with .float() or .double()",
             function, argument, c10::toString(tensor.scalar_type()));
  return tensor;
}

// The same for an argument that may be None: an undefined tensor then.
inline torch::Tensor OptionalFloating(const std::optional<torch::Tensor>& tensor,
                                      std::string_view function, std::string_view argument) {
  return tensor ? Floating(*tensor, function, argument) : torch::Tensor();
}

inline torch::Tensor OrUndefined(const std::optional<torch::Tensor>& tensor) {
  return tensor ? *tensor : torch::Tensor();
}

// body(), with torch's errors turned into rewardlab's, prefixed by `what` (the loss's spec).
template <class Body>
auto TorchErrorsNamed(std::string_view what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const c10::Error& e) {
    RLAB_FAIL("{}: {}", what, e.what_without_backtrace());
  }
}

// list_<plural>() and <plural>_help(): a registry's names and its entries' keys with their
// defaults, read from the registry at each call, so that a new entry appears with no binding
// change. `what` is the doc's name for one entry ("DPO-family loss").
template <class Registry>
void BindRegistryListing(py::module_& m, const std::string& plural, const std::string& what,
                         Registry& (*registry)(), void (*register_builtins)()) {
  m.def(("list_" + plural).c_str(),
        [registry, register_builtins] {
          register_builtins();
          return registry().List();
        },
        ("The names of every registered " + what + ".").c_str());
  m.def((plural + "_help").c_str(),
        [registry, register_builtins] {
          register_builtins();
          return registry().Help();
        },
        ("Every registered " + what + " with its keys, their defaults and what they do.").c_str());
}

void BindEstimators(py::module_& m);  // losses_estimators.cc

}  // namespace rewardlab_python::losses
