"""`weighting`'s public names are imported when first asked for, so that the error classes every
part of the project raises (`weighting.errors`, `survey.errors`) and the modules that need only
them (the PDF engine, the `wijkprofiel` command's start) do not load scipy.stats and pandas
(about 1.3 s before this was so)."""

import subprocess
import sys
from pathlib import Path

import pytest

import weighting
from weighting import calibration, design, diagnostics, estimation

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("scipy", "pandas", "weighting.calibration", "weighting.estimation")


def modules_loaded_by(statement: str) -> list[str]:
    """Which of `HEAVY` a fresh interpreter has loaded after `statement`."""
    probe = (f"import sys\n{statement}\n"
             f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return eval(done.stdout)  # a list of str printed by the probe


@pytest.mark.parametrize("statement", ["import weighting.errors", "import survey.errors",
                                       "import survey.pdf_engine"])
def test_the_error_classes_and_the_pdf_engine_load_neither_scipy_nor_pandas(statement):
    assert modules_loaded_by(statement) == []


def test_the_command_line_starts_without_scipy_or_the_estimators():
    """`wijkprofiel serve` or `db upgrade` need no estimation; `weight` registers the
    database source when it is asked for."""
    loaded = modules_loaded_by("import survey.cli")  # pandas it may load: the web app's rules
    assert not {"scipy", "weighting.calibration", "weighting.estimation"} & set(loaded)


def test_every_public_name_is_the_object_of_its_module():
    from weighting import Design, mean, rake

    assert (Design, mean, rake) == (design.Design, estimation.mean, calibration.rake)
    home = {"Design": design, "weight_diagnostics": diagnostics, "collapse_log": diagnostics,
            "margin_gaps": diagnostics, "mean": estimation, "proportion": estimation,
            "total": estimation, "ratio": estimation, "Margin": calibration,
            "poststratify": calibration, "rake": calibration, "calibrate": calibration,
            "trim_weights": calibration}
    assert sorted(weighting.__all__) == sorted(home)
    for name, module in home.items():
        assert getattr(weighting, name) is getattr(module, name), name
    star = {}
    exec("from weighting import *", star)
    assert {name: star[name] for name in home} == {name: getattr(home[name], name)
                                                   for name in home}


def test_dir_lists_the_public_names_and_submodules_still_import():
    assert set(weighting.__all__) <= set(dir(weighting))
    from weighting import tables  # a submodule, not one of the lazy names

    assert tables.__name__ == "weighting.tables"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="'weighting' has no attribute 'rakes'"):
        weighting.rakes  # noqa: B018
    with pytest.raises(ImportError, match="cannot import name 'rakes'"):
        exec("from weighting import rakes", {})
