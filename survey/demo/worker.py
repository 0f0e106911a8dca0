"""An edition generated in a worker process (`EditionInBackground`), so that `wijkprofiel
demo run` generates its second edition on the other core while the first is written.

The worker is a fresh interpreter running this module (`python -m survey.demo.worker SEED
SCALE YEAR`), not a fork: the caller holds database connections and threads that a forked
child must not share, and multiprocessing's spawn would re-import the caller's main script.
The edition comes back pickled on the worker's stdout, streamed: the worker pickles into the
pipe while the caller unpickles from it, so neither holds the whole pickle (hundreds of
megabytes) beside the edition; its errors go to its stderr and are raised in the caller.
"""

import pickle
import subprocess
import sys
import tempfile
import traceback

from survey.demo.edition import GeneratedEdition, generate_edition

__all__ = ["EditionInBackground"]


class EditionInBackground:
    """`generate_edition(seed, scale, year)` running in a worker process from construction;
    `result()` waits for it (hand the object to `seed_edition(..., generated=)`), `cancel()`
    stops it."""

    def __init__(self, seed: int, scale: float, year: int):
        self.seed, self.scale, self.year = seed, scale, year
        self._errors = tempfile.TemporaryFile()  # a pipe could fill up and stall the worker
        self._process = subprocess.Popen(
            [sys.executable, "-m", "survey.demo.worker", str(seed), repr(scale), str(year)],
            stdout=subprocess.PIPE, stderr=self._errors, stdin=subprocess.DEVNULL)
        self._taken = False

    def result(self) -> GeneratedEdition:
        """The generated edition, once (this object keeps no reference to it: an edition
        holds gigabytes). Raises RuntimeError with the worker's error output when it
        failed."""
        if self._taken:
            raise RuntimeError(f"demo edition {self.year} was taken from its worker already")
        self._taken = True
        try:
            edition = pickle.load(self._process.stdout)
        except Exception:  # noqa: BLE001 (it failed before or while sending: said below)
            edition = None
        self._process.stdout.close()
        code = self._process.wait()
        if code != 0:
            edition = None
        if not isinstance(edition, GeneratedEdition):
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace").strip()
            self._errors.close()
            raise RuntimeError(f"generating demo edition {self.year} failed in its worker "
                               f"process (exit code {code})" + (f":\n{said}" if said else ""))
        self._errors.close()
        return edition

    def cancel(self):
        """Stop the worker if it still runs (the caller gave up on the edition)."""
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait()
        self._process.stdout.close()
        self._errors.close()


def main(argv):
    seed, scale, year = int(argv[0]), float(argv[1]), int(argv[2])
    try:
        edition = generate_edition(seed, scale, year)
    except Exception:
        traceback.print_exc()
        return 1
    # streamed into the pipe as the caller reads it (a pickle held whole took hundreds of
    # megabytes in both processes)
    pickle.dump(edition, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
