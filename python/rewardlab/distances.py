"""rewardlab.distances (see the package's docstring)."""

from . import _core

_distances = _core.distances
