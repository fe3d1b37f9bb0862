"""rewardlab.runs: start a pipeline in-process, as ``rlab run`` does, and read what it wrote.

``rewardlab.run(config, **overrides)`` runs any registered pipeline (``list_pipelines()``)
exactly as ``rlab run CONFIG.yaml section.key=value ...`` runs it: same validation, same run
directory (``config.yaml``, ``metrics.jsonl``, ``log.txt``, ``summary.json``), same results
for the same seed. The config is a YAML file or a dict of the same shape; overrides are
keyword arguments whose double underscores stand for the dots of the command line
(``optim__steps=2`` is ``optim.steps=2``). Progress and log lines go to the process's stderr,
as the command line prints them. The GIL is released while the run works, and Ctrl-C stops it
at its next checkpoint: ``KeyboardInterrupt`` is raised with ``run_dir`` set, and
``run(resume=run_dir)`` continues the run.

Python reward functions: ``reward_functions={"brevity": fn}`` makes ``fn`` a reward source of
the ``rl`` pipeline for this run, named in the config's ``reward`` list as
``python(name=brevity)`` (beside, or weighted with, the rule and model sources). ``fn`` is
called once per batch as ``fn(prompts, completions)`` with two lists of strings and returns one
reward per completion (a list, tuple, NumPy array or 1-D tensor of numbers). A function that
takes more parameters, or ``**kwargs``, is also given the batch's columns it names as lists
(one entry per completion): ``answer``, the task's reference answers, and on a prompt file
every other column of the prompt's record (TRL's reward functions receive their dataset's
columns the same way). Every batch is
checked: a wrong count or a non-finite reward fails the run with an error naming the function
(and the index and value), and an exception the function raises fails it with a
:class:`RewardlabError` that names the function, keeps the message, and has the original
exception as ``__cause__``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import json
import os
import pathlib
import sys
import threading
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import torch

from . import _core
from ._core import RewardlabError

_runs = _core.runs

#: A Python reward function: (prompts, completions) -> one reward per completion.
RewardFunction = Callable[[list[str], list[str]], Union[Sequence[float], torch.Tensor]]
#: What ``run`` accepts as a config: a dict shaped like the YAML file, or the file's path.
Config = Union[Mapping[str, Any], str, os.PathLike]

#: How errors name a dict config (its keys are reported as "<dict config>:LINE:COLUMN" of the
#: JSON text rewardlab reads it as, one key per line).
DICT_CONFIG_SOURCE = "<dict config>"

__all__ = [
    "RunResult",
    "RewardFunction",
    "list_pipelines",
    "override_assignment",
    "read_metrics",
    "read_summary",
    "run",
]


@dataclasses.dataclass(frozen=True)
class RunResult:
    """The outcome of a finished run.

    Attributes:
        run_dir: the run directory (``runs/<name>-<timestamp>`` under ``run.out_dir``).
        summary: its ``summary.json`` (the pipeline's figures, ``status``, ``seed``,
            ``wall_seconds``, ``provenance``, ...).
    """

    run_dir: pathlib.Path
    summary: dict

    def metrics(self, columns: bool = False) -> Union[list, dict]:
        """The run's metrics; see :func:`read_metrics`."""
        return read_metrics(self.run_dir, columns=columns)

    def __fspath__(self) -> str:
        return str(self.run_dir)


def override_assignment(key: str, value: Any) -> str:
    """The command line's ``section.key=value`` for a keyword override.

    ``key`` uses ``__`` for the dots (``optim__steps``) or is already dotted; ``value`` is
    written as JSON, which rewardlab reads as YAML: numbers and booleans as themselves, a
    string as one string (``"task:arithmetic(digits=1)"``), a list as a list.
    """
    return f"{key.replace('__', '.')}={json.dumps(value)}"


def list_pipelines() -> dict[str, str]:
    """The pipelines ``run`` can start, name -> description (as ``rlab pipelines`` lists)."""
    return dict(_runs.pipelines())


def read_summary(run_dir: Union[str, os.PathLike]) -> dict:
    """The ``summary.json`` of a run directory as a dict (fails if the run has none yet)."""
    return json.loads(_runs.summary_text(os.fspath(run_dir)))


def read_metrics(
    run_dir: Union[str, os.PathLike], columns: bool = False
) -> Union[list, dict]:
    """The run's ``metrics.jsonl``: one dict per logged line, in the order logged.

    Each line is ``{"step": N, "metric": value, ...}``; pipelines log training lines and
    evaluation lines (``eval_*``) at their own cadences (``run.log_every``, ``eval_every``), so
    keys differ between lines. A value the run could not represent (NaN, inf) is ``None``. A
    torn last line (the run was killed while writing it) is left out, as rewardlab's own reader
    does.

    Args:
        run_dir: the run directory.
        columns: if True, return ``{name: [value per line]}`` over every key any line has,
            with ``None`` where a line lacks the key.
    """
    lines = [json.loads(text) for text in _runs.metric_lines(os.fspath(run_dir))]
    if not columns:
        return lines
    names: dict[str, None] = {}
    for line in lines:
        names.update(dict.fromkeys(line))
    return {name: [line.get(name) for line in lines] for name in names}


def _as_rewards(name: str, result: Any) -> list[float]:
    """A reward function's result as a list of floats (the engine checks count and finiteness)."""
    if isinstance(result, torch.Tensor):
        if result.dim() != 1:
            raise TypeError(
                f"reward function '{name}' returned a tensor of shape {tuple(result.shape)}; "
                "return one reward per completion, shape [N]"
            )
        return result.detach().to(device="cpu", dtype=torch.float64).tolist()
    if isinstance(result, (str, bytes)) or not hasattr(result, "__iter__"):
        raise TypeError(
            f"reward function '{name}' returned {type(result).__name__}; return one reward per "
            "completion (a list, tuple, array or 1-D tensor of numbers)"
        )
    try:
        return [float(value) for value in result]
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"reward function '{name}' returned a sequence holding a non-number ({error})"
        ) from None


def _column_chooser(name: str, fn: RewardFunction) -> Callable[[dict], dict]:
    """Which of a batch's columns ``fn`` is given as keyword arguments: all of them if it takes
    ``**kwargs``, else those it names as parameters beyond the first two."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: the two lists only
        return lambda columns: {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return lambda columns: columns
    named = [p for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL][2:]
    wanted = {p.name for p in named}
    required = {p.name for p in named if p.default is inspect.Parameter.empty}

    def choose(columns: dict) -> dict:
        missing = sorted(required - set(columns))
        if missing:
            raise TypeError(
                f"reward function '{name}' asks for {', '.join(missing)}, which this batch does "
                f"not have (its columns: {', '.join(columns) or 'none'})"
            )
        return {k: v for k, v in columns.items() if k in wanted}

    return choose


def _engine_function(
    name: str, fn: RewardFunction, raised: list[BaseException]
) -> Callable[[list[str], list[str], dict], list[float]]:
    """``fn`` as the engine calls it: given the columns it asks for; remembers what it raised,
    for the error's __cause__."""
    choose = _column_chooser(name, fn)

    def call(prompts: list[str], completions: list[str], columns: dict) -> list[float]:
        chosen = choose(columns)
        try:
            result = fn(prompts, completions, **chosen)
        except Exception as error:
            raised.append(error)
            raise
        return _as_rewards(name, result)

    return call


class _StderrLines:
    """While open, the process's stderr (fd 2, where rlab prints its log and progress lines)
    goes through a pipe: each chunk is passed on to the real stderr and each line (a progress
    line updated in place included) to ``progress``, from a reader thread. sys.stderr writes to
    the real stderr meanwhile, so that what Python prints there does not come back as a line.
    """

    def __init__(self, progress: Callable[[str], None]):
        self._progress = progress
        self._failure: list[BaseException] = []

    def __enter__(self) -> "_StderrLines":
        if sys.stderr is not None:
            sys.stderr.flush()
        read_end, write_end = os.pipe()
        self._saved = os.dup(2)
        os.dup2(write_end, 2)
        os.close(write_end)
        self._python_stderr = sys.stderr
        sys.stderr = open(os.dup(self._saved), "w", encoding="utf-8", errors="replace",
                          buffering=1)
        self._reader = threading.Thread(target=self._pump, args=(read_end,), daemon=True)
        self._reader.start()
        return self

    def _pump(self, read_end: int) -> None:
        pending = ""
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                os.write(self._saved, chunk)
                if self._failure:
                    continue
                pending += chunk.decode("utf-8", "replace")
                *lines, pending = pending.replace("\r", "\n").split("\n")
                try:
                    for line in filter(None, (line.strip() for line in lines)):
                        self._progress(line)
                except Exception as error:  # reported when the run ends
                    self._failure.append(error)

    def __exit__(self, *exc: Any) -> None:
        os.dup2(self._saved, 2)  # closes the pipe's last write end: the reader sees its end
        self._reader.join()
        sys.stderr.close()
        sys.stderr = self._python_stderr
        os.close(self._saved)
        if self._failure and exc[0] is None:
            raise RewardlabError(
                f"the progress callable raised {type(self._failure[0]).__name__}: "
                f"{self._failure[0]}"
            ) from self._failure[0]


def _config_arguments(config: Optional[Config]) -> tuple[str, str, str, str]:
    """(config_path, pipeline, config_text, config_source) of the engine's run request."""
    if config is None:
        return "", "", "", ""
    if isinstance(config, Mapping):
        pipeline = config.get("pipeline")
        if not isinstance(pipeline, str) or not pipeline:
            raise RewardlabError(
                f"{DICT_CONFIG_SOURCE}: missing top-level key 'pipeline' (a string); valid "
                f"pipelines: {', '.join(list_pipelines())}"
            )
        return "", pipeline, json.dumps(dict(config), indent=1), DICT_CONFIG_SOURCE
    if isinstance(config, (str, os.PathLike)):
        return os.fspath(config), "", "", ""
    raise TypeError(
        f"config must be a dict, a path or None (with resume=), got {type(config).__name__}"
    )


def run(
    config: Optional[Config] = None,
    /,
    *,
    resume: Union[str, os.PathLike, None] = None,
    threads: Optional[int] = None,
    reward_functions: Optional[Mapping[str, RewardFunction]] = None,
    progress: Optional[Callable[[str], None]] = None,
    **overrides: Any,
) -> RunResult:
    """Runs a pipeline to its end, in this process, as ``rlab run`` does.

    Args:
        config: a dict shaped like a YAML config (with its ``pipeline`` key, e.g.
            ``{"pipeline": "bt-recovery", "train": {"steps": 100}}``) or the path of a YAML
            config file; None with ``resume``.
        resume: continue an interrupted or failed run from its directory (its saved config
            is used; no config or overrides).
        threads: torch threads for the run (``--threads``; overrides ``run.threads``).
        reward_functions: name -> callable ``fn(prompts, completions)`` returning one reward
            per completion, usable for this run as the reward source ``python(name=NAME)``
            of the ``rl`` pipeline (extra parameters receive the batch's columns of that
            name, see the module's docstring).
        progress: called with each line the run prints on stderr (log lines and progress
            lines such as ``rl 20/100 (20%) | 4.1 steps/s | ETA 19s | reward=0.61``; on a
            pipe, a progress line comes every ``run.progress_seconds``), from another
            thread. The lines still reach stderr.
        **overrides: ``section__key=value`` for ``section.key=value`` on the command line
            (``optim__steps=2``, ``run__out_dir="runs"``, ``reward=["python(name=f)"]``).

    Returns:
        the run directory and its summary.

    Raises:
        RewardlabError: a bad config (naming the key), a failed run (summary.json then says
            ``"status": "failed"``), a failing reward function (with its exception as
            ``__cause__``).
        KeyboardInterrupt: Ctrl-C stopped the run after its checkpoint; the exception's
            ``run_dir`` can be resumed.
    """
    if resume is not None and (config is not None or overrides):
        raise RewardlabError(
            "run(resume=...) takes no config or overrides: a resumed run keeps the config saved "
            "in its directory"
        )
    if resume is None and config is None:
        raise RewardlabError("give a config (a dict or a YAML path) or resume=RUN_DIR")
    config_path, pipeline, config_text, config_source = _config_arguments(config)
    for name, fn in (reward_functions or {}).items():
        if not callable(fn):
            raise TypeError(f"reward_functions['{name}'] is {type(fn).__name__}, not a callable")
    raised: list[BaseException] = []  # what the functions raised, for the error's __cause__
    functions = {
        name: _engine_function(name, fn, raised) for name, fn in (reward_functions or {}).items()
    }
    try:
        with _StderrLines(progress) if progress is not None else contextlib.nullcontext():
            run_dir = _runs.execute_run(
                config_path=config_path,
                pipeline=pipeline,
                config_text=config_text,
                config_source=config_source,
                overrides=[override_assignment(k, v) for k, v in overrides.items()],
                resume_dir=os.fspath(resume) if resume is not None else "",
                threads=threads,
                reward_functions=functions,
                stop_on_interrupt=threading.current_thread() is threading.main_thread(),
                command_line=[sys.executable, *sys.argv],
            )
    except RewardlabError as error:
        if raised:
            raise error from raised[0]
        raise
    return RunResult(pathlib.Path(run_dir), read_summary(run_dir))
