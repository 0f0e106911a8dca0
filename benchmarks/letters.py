"""Benchmark: invitation letters per second, on 1 process and on 2, and the projected time for
a full edition (75,000 letters).

    python benchmarks/letters.py [--letters 2000] [--batches 4] [--full 75000]

Both runs render the same letters cut into the same batches; the 1-process run renders the
batches one after the other, the 2-process run two at a time (`render_batches`, as
`wijkprofiel letters print` does). Wall time decides the projection; CPU time is printed too,
because on a shared machine the wall time also counts other people's work. The PDFs go to a
temporary folder and are removed.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from survey.access_codes import new_codes
from survey.letters.compose import LetterSettings, Recipient
from survey.letters.render import BatchJob, register_fonts, render_batches

GIVEN = ["Anna", "Mohamed", "Ayşe", "Jan", "Fatima", "Piotr", "Sanne", "Mehmet", "Małgorzata",
         "Kees", "Nour", "Priya", "Rachid", "Eline", "Zoë"]
FAMILY = ["de Vries", "El Amrani", "Yılmaz", "Jansen", "Bakker", "Kowalski", "Öztürk",
          "van der Berg", "Bouzid", "Wiśniewska", "Visser", "Ramdin", "Smit"]
STREETS = ["Coolsingel", "Oranjeboomstraat", "Hesseplaats", "Beijerlandselaan", "Nieuwe Binnenweg",
           "Zwart Janstraat", "Groene Hilledijk", "Schiedamseweg"]
WIJKEN = ["Stadsdriehoek", "Feijenoord", "Ommoord", "Bospolder-Tussendijken", "Tarwewijk",
          "Kralingen-West", "Hillesluis", "Lombardijen", "Carnisse", "Oude Westen"]


def recipients(n: int, seed: int = 2024) -> list[Recipient]:
    rng = np.random.default_rng(seed)
    codes = new_codes(rng, n)
    out = []
    for i in range(n):
        out.append(Recipient(
            sample_unit_id=f"{i:016x}", wijk_code=int(rng.integers(1, 72)),
            wijk=WIJKEN[int(rng.integers(len(WIJKEN)))],
            questionnaire_id=("veiligheidsmonitor", "wijkonderzoek")[i % 2], wave=1,
            access_code=codes[i], given_name=GIVEN[int(rng.integers(len(GIVEN)))],
            family_name=FAMILY[int(rng.integers(len(FAMILY)))],
            street=STREETS[int(rng.integers(len(STREETS)))],
            house_number=str(int(rng.integers(1, 400))),
            postcode=f"30{int(rng.integers(10, 99))} {'ABCDEFGH'[i % 8]}{'KLMNPRST'[i % 7]}",
        ))
    return out


def run(jobs, processes):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    wall = time.perf_counter()
    results = render_batches(jobs, processes=processes)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (time.process_time() - cpu) + (after.ru_utime - before.ru_utime) + (
        after.ru_stime - before.ru_stime)
    letters = sum(len(r) for r in results)
    size = sum(job.path.stat().st_size for job in jobs)
    return letters, wall, cpu, size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--full", type=int, default=75_000, help="letters of a full edition")
    args = parser.parse_args(argv)
    register_fonts()
    settings = LetterSettings(edition_year=2024, letter_date=date(2024, 3, 4))
    people = recipients(args.letters)
    per_batch = -(-len(people) // args.batches)
    print(f"{args.letters} invitation letters (2 pages each) in {args.batches} batches; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    rates = {}
    cpu_per_letter = {}
    with tempfile.TemporaryDirectory() as folder:
        for processes in (1, 2):
            jobs = [BatchJob(Path(folder) / f"p{processes}-b{i}.pdf", f"BENCH-{i + 1:03d}",
                             "invitation", settings, tuple(people[s:s + per_batch]))
                    for i, s in enumerate(range(0, len(people), per_batch))]
            letters, wall, cpu, size = run(jobs, processes)
            rates[processes] = letters / wall
            cpu_per_letter[processes] = cpu / letters
            print(f"{processes} process{'es' if processes > 1 else ''}: {letters} letters in "
                  f"{wall:.1f} s wall = {letters / wall:.0f} letters/s "
                  f"({cpu / letters * 1000:.1f} ms CPU per letter; "
                  f"{size / letters / 1024:.1f} KiB PDF per letter)")
    ratio = rates[2] / rates[1]
    full_minutes = args.full / rates[2] / 60
    print(f"speed-up 2 processes / 1 process: {ratio:.2f}")
    print(f"projected for {args.full:,} letters on 2 processes: {full_minutes:.1f} min "
          f"({'within' if full_minutes <= 10 else 'OVER'} the 10-minute aim)")
    # what 2 otherwise idle cores would do: the CPU time per letter, shared over 2 cores
    idle_minutes = args.full * cpu_per_letter[2] / 2 / 60
    print(f"projected from CPU time on 2 idle cores: {idle_minutes:.1f} min "
          f"(load average now {os.getloadavg()[0]:.1f}; above 2 the wall figures include "
          "other work)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
