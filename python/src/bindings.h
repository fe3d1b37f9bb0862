// The pieces of the rewardlab._core extension: one Bind<Area> per file, each adding its
// functions and classes to its submodule (rewardlab._core.<area>); module.cc calls them all.
// Conventions every binding follows:
// - torch.Tensor in and out through torch's own casters (torch/csrc/utils/pybind.h): the
//   tensor object crosses, never a copy of its data.
// - rlab::Error becomes rewardlab.RewardlabError with rewardlab's message (module.cc).
// - A call that may take more than a few milliseconds (a model forward, a run, an environment
//   batch) releases the GIL: py::call_guard<py::gil_scoped_release>() or a
//   py::gil_scoped_release in its body, re-acquired (py::gil_scoped_acquire) around any call
//   back into Python.
// - Every function and class has a docstring and named arguments (py::arg), so that help()
//   shows a typed signature; the Python modules in python/rewardlab add type hints on top.
#pragma once

#include <pybind11/pybind11.h>
#include <torch/csrc/utils/pybind.h>

namespace rewardlab_python {

namespace py = pybind11;

void BindModels(py::module_& m);     // HF directories, reward models, generation, tokenizers
void BindLosses(py::module_& m);     // DPO family, advantages, KL, reward transforms, ensembles
void BindEnvs(py::module_& m);       // vector environments, teachers
void BindDistances(py::module_& m);  // EPIC and STARC between reward functions
void BindRuns(py::module_& m);       // runs from a config, Python reward sources

}  // namespace rewardlab_python
