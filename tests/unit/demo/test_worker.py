"""An edition generated in a worker process is the one generated here, and a worker's failure
comes back as an error that says why."""

import numpy as np
import pandas as pd
import pytest

from survey.demo.edition import generate_edition
from survey.demo.worker import EditionInBackground


def test_the_worker_generates_the_same_edition():
    background = EditionInBackground(7, 0.01, 2022)
    here = generate_edition(7, 0.01, 2022)
    there = background.result()
    for name in here.answers:
        np.testing.assert_array_equal(there.answers[name], here.answers[name])
    for name in here.visits:
        np.testing.assert_array_equal(there.visits[name], here.visits[name])
    pd.testing.assert_frame_equal(there.sample, here.sample)
    pd.testing.assert_frame_equal(there.register, here.register)
    with pytest.raises(RuntimeError, match="taken from its worker already"):
        background.result()


def test_a_failing_worker_says_why():
    with pytest.raises(RuntimeError, match=r"(?s)exit code 1.*scale must be in \(0, 1\]"):
        EditionInBackground(7, 2.0, 2022).result()
