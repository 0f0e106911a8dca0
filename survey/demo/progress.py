"""Progress and stage times of a demo seed: `Progress` turns per-stage fractions into one
overall fraction for the progress bar, `StageClock` records how long each stage took."""

import threading
import time
from contextlib import contextmanager

__all__ = ["STAGES", "Progress", "StageClock"]

STAGES = [  # (name, share of the total time), for the progress bar
    ("register", 0.06),
    ("sample", 0.03),
    ("answers", 0.22),
    ("write register", 0.14),
    ("write sample", 0.06),
    ("write answers", 0.41),
    ("write paradata", 0.07),
    ("write phone", 0.01),
]


class Progress:
    """Overall progress from per-stage fractions (each stage keeps its own, so the report
    never goes backwards whatever order the stages run in). `callback(stage, done)` gets the
    overall fraction done; None reports nothing."""

    def __init__(self, callback):
        self.callback = callback
        self.share = dict(STAGES)
        self.fraction = {stage: 0.0 for stage in self.share}
        self.lock = threading.Lock()
        self.reported = 0.0

    def part(self, stage, fraction):
        with self.lock:
            self.fraction[stage] = max(self.fraction[stage], min(fraction, 1.0))
            done = sum(self.share[s] * f for s, f in self.fraction.items())
            done = min(max(done, self.reported), 1.0)
            self.reported = done
            if self.callback is not None:
                self.callback(stage, done)

    def reporter(self, stage, low=0.0, high=1.0):
        """A callable(fraction) for one stage, mapped into [low, high] of it."""
        return lambda fraction: self.part(stage, low + (high - low) * fraction)


class StageClock:
    """Seconds per named stage (`seconds`), rounded to 0.01 s."""

    def __init__(self):
        self.seconds = {}
        self.lock = threading.Lock()

    @contextmanager
    def stage(self, name):
        started = time.perf_counter()
        try:
            yield
        finally:
            with self.lock:
                self.seconds[name] = round(time.perf_counter() - started, 2)
