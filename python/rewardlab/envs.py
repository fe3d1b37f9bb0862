"""rewardlab.envs (see the package's docstring)."""

from . import _core

_envs = _core.envs
