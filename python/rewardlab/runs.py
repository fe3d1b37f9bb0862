"""rewardlab.runs (see the package's docstring)."""

from . import _core

_runs = _core.runs


def run(config, **overrides):
    """Runs a pipeline from a config (dict or YAML path); see rewardlab.runs."""
    raise NotImplementedError("rewardlab.run is not built yet")
