// rewardlab._core.runs (see bindings.h for the conventions): a run started in-process exactly
// as `rlab run` starts it (pipeline/run/runner.h), with the caller's Python reward functions
// registered for its length (reward/signal/external_rewards.h), Ctrl-C stopping it at its next
// checkpoint as SIGTERM does (core/stop_signal.h), and the readers of a run directory's
// summary and metrics. rewardlab/runs.py is the typed face users call.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "rlab/core/log.h"
#include "rlab/core/metrics.h"
#include "rlab/core/provenance.h"
#include "rlab/core/run_dir.h"
#include "rlab/core/stop_signal.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/runner.h"
#include "rlab/reward/signal/external_rewards.h"
#include "rlab/text/prompt_dataset.h"

namespace rewardlab_python {
namespace {

namespace fs = std::filesystem;
namespace rr = rlab::reward;

// A Python callable held by engine code that runs without the GIL: the reference is dropped
// under the GIL, wherever the last copy dies.
std::shared_ptr<py::function> HoldUnderGil(py::function fn) {
  return {new py::function(std::move(fn)), [](py::function* held) {
            py::gil_scoped_acquire gil;
            delete held;
          }};
}

// A text as a Python str; bytes that are not UTF-8 (a model's samples may hold any) become
// U+FFFD, as Hugging Face tokenizers decode them.
py::str Text(const std::string& text) {
  PyObject* decoded =
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace");
  if (decoded == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(decoded);
}

py::list TextList(const std::vector<std::string>& texts) {
  py::list out(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) out[i] = Text(texts[i]);
  return out;
}

// {column: [value per completion, None where its prompt's record lacks it]} over the columns
// of the batch's prompt-file records, and "answer" (the reference answers) where the batch
// has them and no column is named so.
py::dict ColumnsOf(const rr::ExternalRewardBatch& batch) {
  std::set<std::string> names;
  for (const rlab::data::PromptColumns* record : batch.records) {
    if (record == nullptr) continue;
    for (const auto& [name, value] : record->values) names.insert(name);
  }
  py::dict columns;
  for (const std::string& name : names) {
    py::list values(batch.records.size());
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
      const std::string* value = batch.records[i] ? batch.records[i]->Find(name) : nullptr;
      values[i] = value ? py::object(Text(*value)) : py::none();
    }
    columns[py::str(name)] = values;
  }
  if (!batch.answers.empty() && !names.contains("answer")) {
    py::list answers(batch.answers.size());
    for (std::size_t i = 0; i < batch.answers.size(); ++i) {
      answers[i] = batch.answers[i] ? py::object(Text(*batch.answers[i])) : py::none();
    }
    columns["answer"] = answers;
  }
  return columns;
}

// The engine's view of a Python reward function (runs.py's wrapper, which passes the columns
// the user's function asks for and turns its result into a list of floats): called with the
// GIL re-acquired; a Python exception becomes a C++ one carrying its type and message, which
// ExternalReward names the function in.
rr::ExternalRewardFn EngineRewardFn(py::function fn) {
  return [held = HoldUnderGil(std::move(fn))](const rr::ExternalRewardBatch& batch) {
    py::gil_scoped_acquire gil;
    try {
      return (*held)(TextList(batch.prompts), TextList(batch.completions), ColumnsOf(batch))
          .cast<std::vector<double>>();
    } catch (py::error_already_set& e) {
      // "ValueError: message", without the traceback pybind11 adds to what().
      throw std::runtime_error(fmt::format("{}: {}",
                                           py::str(e.type().attr("__name__")).cast<std::string>(),
                                           py::str(e.value()).cast<std::string>()));
    } catch (const py::cast_error& e) {
      throw std::runtime_error(
          fmt::format("its result is not a sequence of numbers ({})", e.what()));
    }
  };
}

// While it lives (and only on Python's main thread, where Python's own handler would run),
// SIGINT asks the run to stop at its next checkpoint, as SIGTERM does; the previous handler,
// Python's, comes back when it dies.
class InterruptStopsRun {
 public:
  explicit InterruptStopsRun(bool active) : active_(active) {
    if (!active_) return;
    struct sigaction action {};
    action.sa_handler = [](int signal) { rlab::RequestStop(signal); };
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptStopsRun() {
    if (active_) sigaction(SIGINT, &previous_, nullptr);
  }
  InterruptStopsRun(const InterruptStopsRun&) = delete;
  InterruptStopsRun& operator=(const InterruptStopsRun&) = delete;

 private:
  bool active_;
  struct sigaction previous_ {};
};

// A run stopped by a signal after its checkpoint: KeyboardInterrupt for Ctrl-C, else
// RewardlabError; either carries run_dir, the directory that `resume=` continues.
[[noreturn]] void RaiseInterrupted(int signal, const std::string& message, const fs::path& dir) {
  const std::string text =
      fmt::format("{}; rewardlab.run(resume=\"{}\") continues the run", message, dir.string());
  py::object type = signal == SIGINT ? py::reinterpret_borrow<py::object>(PyExc_KeyboardInterrupt)
                                     : py::module_::import("rewardlab").attr("RewardlabError");
  py::object error = type(text);
  error.attr("run_dir") = dir.string();
  PyErr_SetObject(type.ptr(), error.ptr());
  throw py::error_already_set();
}

std::string ExecuteRun(rlab::pipeline::RunRequest request,
                       const std::map<std::string, py::function>& reward_functions,
                       bool stop_on_interrupt, const std::vector<std::string>& command_line) {
  std::vector<const char*> argv;
  for (const std::string& arg : command_line) argv.push_back(arg.c_str());
  if (!argv.empty()) rlab::RecordCommandLine(static_cast<int>(argv.size()), argv.data());
  rlab::InitConsoleLogging();
  rr::NamedExternalRewards functions;
  for (const auto& [name, fn] : reward_functions) functions.emplace_back(name, EngineRewardFn(fn));
  fs::path dir;
  std::optional<rlab::RunInterrupted> interrupted;
  {
    const rr::ScopedExternalRewards registered(std::move(functions));
    const InterruptStopsRun interrupt(stop_on_interrupt);
    py::gil_scoped_release no_gil;
    try {
      dir = rlab::pipeline::ExecuteRun(request);
    } catch (const rlab::RunInterrupted& e) {
      interrupted.emplace(e);
    }
  }
  if (interrupted) {
    RaiseInterrupted(interrupted->signal(), interrupted->what(), interrupted->run_to_resume());
  }
  return dir.string();
}

}  // namespace

void BindRuns(py::module_& m) {
  m.def(
      "execute_run",
      [](const std::string& config_path, const std::string& pipeline,
         const std::string& config_text, const std::string& config_source,
         const std::vector<std::string>& overrides, const std::string& resume_dir,
         std::optional<int> threads, const std::map<std::string, py::function>& reward_functions,
         bool stop_on_interrupt, const std::vector<std::string>& command_line) {
        rlab::pipeline::RunRequest request;
        request.config_path = config_path;
        request.pipeline = pipeline;
        request.config_text = config_text;
        request.config_source = config_source;
        request.overrides = overrides;
        request.resume_dir = resume_dir;
        request.threads = threads;
        return ExecuteRun(std::move(request), reward_functions, stop_on_interrupt, command_line);
      },
      py::arg("config_path"), py::arg("pipeline"), py::arg("config_text"), py::arg("config_source"),
      py::arg("overrides"), py::arg("resume_dir"), py::arg("threads"), py::arg("reward_functions"),
      py::arg("stop_on_interrupt"), py::arg("command_line"),
      "Runs a pipeline to its end as `rlab run` does (pipeline/run/runner.h RunRequest) and "
      "returns its directory; use rewardlab.run, which builds these arguments.");
  m.def(
      "pipelines",
      [] {
        rlab::pipeline::RegisterBuiltins();
        std::vector<std::pair<std::string, std::string>> out;
        for (const std::string& name : rlab::pipeline::Pipelines().List()) {
          out.emplace_back(name, rlab::pipeline::Pipelines().Get(name).help);
        }
        return out;
      },
      "The registered pipelines as (name, description) pairs, as `rlab pipelines` lists them.");
  m.def(
      "summary_text",
      [](const fs::path& dir) { return rlab::RunDir::Open(dir).ReadSummary().dump(); },
      py::arg("run_dir"), "summary.json of a run directory, as JSON text.");
  m.def(
      "metric_lines",
      [](const fs::path& dir) {
        const rlab::RunDir run = rlab::RunDir::Open(dir);
        std::vector<std::string> lines;
        if (!fs::exists(run.metrics_path())) return lines;
        rlab::MetricsReader reader(run.metrics_path());
        nlohmann::json line;
        while (reader.Next(line)) lines.push_back(reader.text());
        return lines;
      },
      py::arg("run_dir"),
      "The lines of a run's metrics.jsonl, each a JSON object (a torn last line, written when "
      "the run was killed, left out), read by the engine's own reader (core/metrics.h).");
  m.def("external_reward_names", &rr::ExternalRewardNames,
        "The reward functions registered now (by runs in progress), sorted.");
}

}  // namespace rewardlab_python
