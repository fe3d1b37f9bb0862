"""rewardlab: learning from rewards and preferences, from Python.

The engine is C++ (the same one the ``rlab`` command runs); this package calls it in-process
and shares tensors with PyTorch: a ``torch.Tensor`` passed in or returned is the same memory,
never a copy.

Areas:
    rewardlab.models     Hugging Face directories, reward models, generation, tokenizers
    rewardlab.losses     DPO-family losses, group advantages, KL estimators, reward transforms,
                         ensemble aggregation, on your own tensors
    rewardlab.envs       control environments with Gymnasium's API, vectorised; teachers
    rewardlab.distances  EPIC and STARC distances between reward functions
    rewardlab.runs       ``run(config)``, run directories, Python reward functions

Every error rewardlab raises is a :class:`RewardlabError` with rewardlab's message.
"""

# torch first: it loads libtorch and the tensor type the extension's arguments convert from.
import torch  # noqa: F401

from . import _core
from ._core import RewardlabError

__version__: str = _core.__version__

from . import distances, envs, losses, models, runs  # noqa: E402
from .runs import run  # noqa: E402

__all__ = ["RewardlabError", "distances", "envs", "losses", "models", "run", "runs"]
