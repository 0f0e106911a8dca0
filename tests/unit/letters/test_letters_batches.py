"""Who gets which letter, and how letters are cut into print batches."""

import pytest

from survey.errors import WijkprofielError
from survey.letters.batches import batch_label, skip_reason, split_batches, stops_letters


@pytest.mark.parametrize("disposition, stops", [
    (None, False), ("", False),
    ("1.2", False),    # partial: a reminder asks to finish
    ("2.12", False),   # break-off
    ("2.20", False),   # non-contact
    ("3.19", False),   # nothing ever returned
    ("1.1", True),     # complete
    ("2.11", True), ("2.112", True),   # refusals
    ("2.31", True),    # deceased
    ("3.23", True),    # refused by addressee
    ("3.30", True), ("3.32", True),    # undeliverable
    ("3.40", True),    # moved
    ("4.10", True),    # not eligible
])
def test_final_dispositions_stop_letters(disposition, stops):
    assert stops_letters(disposition) is stops


def test_invitation_goes_to_everyone_not_yet_invited():
    assert skip_reason("invitation", "invited", None, set()) is None
    assert skip_reason("invitation", "invited", None, {"invitation"}) == "already_sent"


@pytest.mark.parametrize("status, disposition, sent, reason", [
    ("invited", None, {"invitation"}, None),
    ("started", "1.2", {"invitation"}, None),
    ("completed", "1.1", {"invitation"}, "completed"),
    ("invited", "2.11", {"invitation"}, "final_disposition"),
    ("invited", "2.31", {"invitation"}, "final_disposition"),
    ("invited", "3.30", {"invitation"}, "final_disposition"),
    ("invited", None, set(), "not_invited"),
    ("invited", None, {"invitation", "reminder1"}, "already_sent"),
])
def test_reminders_only_to_invited_units_not_done(status, disposition, sent, reason):
    assert skip_reason("reminder1", status, disposition, sent) == reason


def test_second_reminder_after_the_first():
    assert skip_reason("reminder2", "invited", None, {"invitation", "reminder1"}) is None
    assert skip_reason("reminder2", "invited", None,
                       {"invitation", "reminder1", "reminder2"}) == "already_sent"


def test_batches_keep_order_and_cover_everyone_once():
    units = [f"u{i}" for i in range(11)]
    chunks = split_batches(units, 4)
    assert [len(c) for c in chunks] == [4, 4, 3]
    assert [u for c in chunks for u in c] == units
    assert split_batches(units, 11) == [units]
    assert split_batches([], 5) == []


def test_batch_size_below_one_is_refused():
    with pytest.raises(WijkprofielError, match="--batch-size: 0 is below 1"):
        split_batches([1], 0)


def test_batch_labels_say_year_wave_kind_and_number():
    assert batch_label(2024, 2, "invitation", 12) == "2024-W2-INV-012"
    assert batch_label(2024, 1, "reminder2", 1) == "2024-W1-HR2-001"
