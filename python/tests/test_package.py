"""The package imports, reports its version, and turns rewardlab's errors into exceptions."""

import rewardlab


def test_version_matches_the_engines():
    assert rewardlab.__version__ == rewardlab._core.__version__
    assert rewardlab.__version__.count(".") == 2


def test_rewardlab_error_is_a_runtime_error():
    assert issubclass(rewardlab.RewardlabError, RuntimeError)
