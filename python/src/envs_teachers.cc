#include "envs_teachers.h"

#include <pybind11/stl.h>

#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/core/rng.h"
#include "rlab/feedback/teacher_registry.h"

namespace rewardlab_python {

namespace teachers_binding {

namespace feedback = rlab::feedback;

// A teacher built from a spec, labelling batches of segment pairs.
class PyTeacher {
 public:
  explicit PyTeacher(const std::string& spec) : teacher_(feedback::MakeTeacher(spec)) {}

  std::string Describe() const { return teacher_->Describe(); }

  // first, second [Q, H] per-step true rewards   -> (labels float64 [Q], answered bool [Q]).
  std::pair<torch::Tensor, torch::Tensor> Label(const torch::Tensor& first,
                                                const torch::Tensor& second, uint64_t seed,
                                                double mean_episode_return,
                                                int64_t episode_length) const {
    RLAB_CHECK(first.dim() == 2 && first.sizes() == second.sizes(),
               "teacher {}: first and second must be per-step rewards of the same shape [Q, H] "
               "(Q queries of H steps), got {} and {}",
               Describe(), first.sizes(), second.sizes());
    const torch::Tensor a = first.to(torch::kCPU, torch::kDouble).contiguous();   // [Q, H]
    const torch::Tensor b = second.to(torch::kCPU, torch::kDouble).contiguous();  // [Q, H]
    const int64_t q = a.size(0), h = a.size(1);
    torch::Tensor labels = torch::empty({q}, torch::kDouble);
    torch::Tensor answered = torch::empty({q}, torch::kBool);
    const double* pa = a.data_ptr<double>();
    const double* pb = b.data_ptr<double>();
    double* out = labels.data_ptr<double>();
    bool* ok = answered.data_ptr<bool>();
    const feedback::TeacherContext context{.mean_episode_return = mean_episode_return,
                                           .episode_length = episode_length};
    py::gil_scoped_release release;
    rlab::Rng rng(seed);
    for (int64_t i = 0; i < q; ++i) {
      const feedback::SegmentQuery query{{pa + i * h, static_cast<size_t>(h)},
                                         {pb + i * h, static_cast<size_t>(h)}};
      const feedback::TeacherLabel label = teacher_->Label(query, context, rng);
      out[i] = label.answered ? label.label : std::numeric_limits<double>::quiet_NaN();
      ok[i] = label.answered;
    }
    return {labels, answered};
  }

 private:
  std::unique_ptr<feedback::Teacher> teacher_;
};

void Bind(py::module_& m) {
  m.def(
      "teachers",
      [] {
        feedback::RegisterTeachers();
        return feedback::Teachers().List();
      },
      "The names of the registered teachers.");
  py::class_<PyTeacher>(m, "Teacher",
                        "A synthetic teacher from rlab's teacher registry, e.g. 'oracle', "
                        "'mistake(eps_mistake=0.2)', 'scripted(beta=1, gamma=0.9)'")
      .def(py::init<const std::string&>(), py::arg("spec"))
      .def("describe", &PyTeacher::Describe, "The teacher as a spec with every knob.")
      .def("label", &PyTeacher::Label, py::arg("first"), py::arg("second"), py::arg("seed") = 0,
           py::arg("mean_episode_return") = 0.0, py::arg("episode_length") = 0,
           "Labels Q segment pairs given by their per-step true rewards first, second [Q, H]: "
           "returns (labels float64 [Q], answered bool [Q]), labels 0.0 where the first segment "
           "is preferred, 1.0 where the second is, 0.5 where they are equally preferable and "
           "NaN where the teacher skipped the query. Random draws come from a generator seeded "
           "with `seed`, one query after the other.");
}

}  // namespace teachers_binding

void BindTeachers(py::module_& m) { teachers_binding::Bind(m); }

}  // namespace rewardlab_python
