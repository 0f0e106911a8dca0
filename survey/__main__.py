"""`python -m survey ...` is the `wijkprofiel` command, for where the virtual environment's
bin folder is not on PATH (tests and benchmarks start it as `sys.executable -m survey`)."""

from survey.cli import main

main(prog_name="wijkprofiel")
