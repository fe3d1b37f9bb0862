"""rewardlab.models (see the package's docstring)."""

from . import _core

_models = _core.models
