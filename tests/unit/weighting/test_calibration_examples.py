"""The examples in the calibration modules' docstrings run and give what they show."""

import doctest
import importlib
import pkgutil

import weighting.calibration

MODULES = [f"weighting.calibration.{m.name}" for m in pkgutil.iter_modules(weighting.calibration.__path__)]


def test_docstring_examples_hold():
    ran = {}
    for name in MODULES:
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, verbose=False)
        assert result.failed == 0, f"{result.failed} example(s) in {name} give other results"
        ran[name.rsplit(".", 1)[-1]] = result.attempted
    # every public method shows an example: margins, post-stratification, raking, calibration, trimming
    assert all(ran[m] > 0 for m in ("margins", "raking", "distances", "trimming")), ran
