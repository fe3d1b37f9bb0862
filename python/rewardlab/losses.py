"""rewardlab.losses (see the package's docstring)."""

from . import _core

_losses = _core.losses
