"""Every message the import gives for the bad-input corpus (register, drawn sample, contact
data, targets) has its Dutch text for the staff pages: nothing English left on a Dutch page."""

from datetime import date
from pathlib import Path

import pytest

from survey.population.wijken import load_wijken
from survey.errors import InputError
from survey.fieldwork.targets import read_targets
from survey.sampling.checks import Context, FileErrors, check
from survey.sampling.fields import guess_mapping
from survey.sampling.messages_nl import dutch_error, translated
from weighting.tables import read_table

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
WIJKEN = dict(load_wijken()[["wijk_code", "wijk"]].itertuples(index=False))


def messages_of(path, kind):
    try:
        table = read_table(path.read_bytes(), path.name)
    except InputError as exc:
        return [exc.detail]
    in_sample = {"BRP-0000001", "BRP-0000002"}
    context = Context(WIJKEN, date(2023, 1, 1), in_sample if kind != "register" else set(), 2024)
    result = check(table, guess_mapping(table.headers, kind), kind, context)
    return [e.detail for e in result.errors] + list(result.notices)


CASES = ([(p, "register") for p in sorted((CORPUS / "register").iterdir())]
         + [(p, "sample") for p in sorted((CORPUS / "sample").iterdir())]
         + [(p, "contact") for p in sorted((CORPUS / "contact").iterdir())])


@pytest.mark.parametrize("path,kind", CASES, ids=[f"{k}/{p.name}" for p, k in CASES])
def test_every_corpus_message_has_its_dutch(path, kind):
    for message in messages_of(path, kind):
        if message.startswith("sheet ") or "workbook" in message:
            continue  # the safe spreadsheet reader's own limits (weighting.safe_read) stay
            # as that reader words them
        assert translated(message), f"no Dutch for: {message}"


def test_a_register_for_an_edition_with_a_sample_in_dutch():
    table = read_table((CORPUS / "register" / "semicolon.csv").read_bytes(), "r.csv")
    context = Context(WIJKEN, date(2023, 1, 1), set(), 2024, sample_size=852)
    result = check(table, guess_mapping(table.headers, "register"), "register", context)
    assert translated(result.errors[0].detail).startswith(
        "editie 2024 heeft al een steekproef van 852 eenheden; een nieuw registeruittreksel "
        "zou de marges vervangen")


def test_a_bad_targets_file_in_dutch_line_by_line():
    content = "wijk;doel;respons\nTarwewyk;200;0,4\n71;veel;0,4\n72;200;1,5\n".encode()
    with pytest.raises(InputError) as caught:
        read_targets(content, "doelen.csv", WIJKEN)
    assert dutch_error(caught.value).split("\n") == [
        "doelen.csv: 3 fout(en); er is niets opgeslagen",
        "doelen.csv rij 2, kolom 'wijk': 'Tarwewyk' is geen Rotterdamse wijk; verwacht een "
        "wijkcode zoals 71 of een naam zoals Tarwewijk",
        "doelen.csv rij 3, kolom 'doel': 'veel' is geen doel; verwacht een geheel aantal netto "
        "respondenten, 0 of meer, zoals 420",
        "doelen.csv rij 4, kolom 'respons': '1,5' is geen responspercentage; verwacht een getal "
        "boven 0 en ten hoogste 1, zoals 0,4 of 40%"]


def test_file_errors_keep_english_for_the_command_line():
    table = read_table(b"registernummer;wijk\nR1;Atlantis\n", "x.csv")
    context = Context(WIJKEN, date(2023, 1, 1))
    result = check(table, guess_mapping(table.headers, "register"), "register", context)
    assert "is not a Rotterdam wijk" in str(FileErrors(result))


@pytest.mark.parametrize("path", sorted((CORPUS / "targets").iterdir()), ids=lambda p: p.name)
def test_every_targets_corpus_message_has_its_dutch(path):
    try:
        read = read_targets(path.read_bytes(), path.name, WIJKEN)
    except InputError as exc:
        head, *lines = str(exc.detail).split("\n")
        details = [head] + [line.split(": ", 1)[1] for line in lines]
        for detail in details:
            assert translated(detail), f"no Dutch for: {detail}"
        return
    for notice in read.notices:
        assert translated(notice), f"no Dutch for: {notice}"
