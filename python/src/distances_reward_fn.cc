#include "distances_reward_fn.h"

#include <torch/csrc/autograd/python_variable.h>

#include <utility>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rewardlab_python {

namespace reward_fn_binding {

// The name a user knows the callable by: its qualified name, else its repr.
std::string CallableName(const py::handle& fn) {
  for (const char* attribute : {"__qualname__", "__name__"}) {
    if (py::hasattr(fn, attribute)) return py::str(fn.attr(attribute));
  }
  return py::repr(fn);
}

}  // namespace reward_fn_binding

PyRewardFn::PyRewardFn(py::object fn)
    : fn_(std::move(fn)), name_(reward_fn_binding::CallableName(fn_)) {
  RLAB_CHECK(PyCallable_Check(fn_.ptr()),
             "a reward must be a callable r(obs, actions, next_obs) -> rewards, got {}", name_);
}

PyRewardFn::~PyRewardFn() {
  py::gil_scoped_acquire gil;
  fn_ = py::object();
}

torch::Tensor PyRewardFn::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                     const torch::Tensor& next_obs) const {
  const int64_t b = obs.size(0);
  torch::Tensor rewards;
  {
    py::gil_scoped_acquire gil;
    py::object out = fn_(obs, actions, next_obs);
    if (!THPVariable_Check(out.ptr())) {
      // numpy arrays, lists and numbers as torch would take them
      // a handle kept for the life of the process: no decref after the interpreter is gone
      static const py::handle as_tensor =
          py::object(py::module_::import("torch").attr("as_tensor")).release();
      try {
        out = as_tensor(out);
      } catch (const py::error_already_set&) {
        RLAB_FAIL("{} returned {}, which is not a tensor of rewards; return a tensor of shape [{}]",
                  Describe(), std::string(py::str(py::type::of(out))), b);
      }
    }
    rewards = out.cast<torch::Tensor>();
  }
  RLAB_CHECK(rewards.dim() == 1 && rewards.size(0) == b,
             "{} returned shape {} for {} transitions; return one reward per transition, shape "
             "[{}]",
             Describe(), rewards.sizes(), b, b);
  RLAB_CHECK(!rewards.is_complex(), "{} returned dtype {}; return real rewards", Describe(),
             std::string(rewards.dtype().name()));
  rewards = rewards.to(torch::kCPU, torch::kDouble);
  const torch::Tensor bad = torch::nonzero(~torch::isfinite(rewards));
  RLAB_CHECK(bad.size(0) == 0,
             "{} returned a non-finite reward ({}) at transition {} of {}; rewards must be finite",
             Describe(), rewards[bad[0][0].item<int64_t>()].item<double>(),
             bad[0][0].item<int64_t>(), b);
  return rewards;
}

}  // namespace rewardlab_python
