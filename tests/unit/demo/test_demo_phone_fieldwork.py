"""The demo's phone fieldwork (`survey.demo.phone_calls`) on a hand-made sample: who is
called, how often, when, and which dispositions the calls leave."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from survey.demo.phone_calls import DEMO_INTERVIEWER, MAX_ATTEMPTS, simulate_phone
from survey.demo.responses import WAVES

N = 400


def _sample():
    """N units in wave 1: a quarter phone interviews (a few screened out), a quarter phone
    refusals, a quarter nothing heard with a number, a quarter web completes."""
    kind = np.repeat(["phone", "refused", "nothing", "web"], N // 4)
    status = np.where(np.isin(kind, ["phone", "web"]), "completed", "invited").astype(object)
    status[:5] = "screened_out"
    disposition = np.select([status == "completed", status == "screened_out",
                             kind == "refused"], ["1.1", "4.10", "2.11"], "3.19").astype(object)
    mode = np.where(np.isin(kind, ["phone", "web"]), kind, None).astype(object)
    rng = np.random.default_rng(0)
    day = np.datetime64(WAVES[1][0], "s") + np.timedelta64(40 * 86_400, "s")
    end = day + (rng.integers(0, 30, N) * 86_400 + rng.integers(10, 20, N) * 3600).astype(
        "timedelta64[s]")
    answered = np.isin(status, ["completed", "screened_out"])
    completed_at = np.where(answered, end, np.datetime64("NaT"))
    started_at = np.where(answered, end - np.timedelta64(1500, "s"), np.datetime64("NaT"))
    language = np.where(answered, np.resize(["nl", "tr", "ar", "nl"], N), None).astype(object)
    return dict(sample_ids=np.array([f"u{i:04d}" for i in range(N)], dtype=object),
                status=status, disposition=disposition, mode=mode,
                started_at=started_at.astype("datetime64[s]"),
                completed_at=completed_at.astype("datetime64[s]"),
                has_phone=kind != "web", wave=np.ones(N, dtype=int), language=language)


def _run(seed=1):
    sample = _sample()
    return sample, simulate_phone(**sample, rng=np.random.default_rng(seed))


def test_phone_interviews_end_in_one_completed_call_in_their_language():
    sample, phone = _run()
    calls = pd.DataFrame(phone.call_attempt)
    interviewed = sample["sample_ids"][:N // 4]
    done = calls[calls["outcome"] == "completed"]
    assert sorted(done["sample_unit_id"]) == sorted(interviewed)
    assert list(phone.phone_interview["sample_unit_id"]) == sorted(interviewed)
    assert list(phone.phone_interview["language"]) == list(sample["language"][:N // 4])
    assert set(phone.phone_interview["chosen_by"]) == {DEMO_INTERVIEWER}
    # each unit's completed call is its last
    last = calls.groupby("sample_unit_id")["outcome"].last()
    assert (last[interviewed] == "completed").all()
    assert Counter(calls.groupby("sample_unit_id").size()[interviewed] > 1)[True] > N // 8


def test_refusals_non_contacts_and_wrong_numbers_set_their_dispositions():
    sample, phone = _run()
    calls = pd.DataFrame(phone.call_attempt)
    ids = sample["sample_ids"]
    refused, nothing, web = ids[N // 4:N // 2], ids[N // 2:3 * N // 4], ids[3 * N // 4:]
    history = calls.groupby("sample_unit_id")["outcome"].agg(list)
    assert all(history[u][-1] == "refusal" for u in refused)
    assert set(phone.disposition[N // 4:N // 2]) == {"2.112"}
    assert sorted(phone.unit_outcome["sample_unit_id"]) == sorted(refused)
    called = [u for u in nothing if u in history.index]
    assert 0.2 * len(nothing) < len(called) < 0.8 * len(nothing)
    by_unit = dict(zip(ids, phone.disposition))
    for unit in called:
        if "wrong_number" in history[unit]:
            assert history[unit][-1] == "wrong_number" and by_unit[unit] == "3.19"
        else:
            assert set(history[unit]) <= {"no_answer", "busy"} and by_unit[unit] == "2.20"
            assert len(history[unit]) <= MAX_ATTEMPTS
    assert all(by_unit[u] == "3.19" for u in nothing if u not in history.index)
    # web completes and units without a number are never phoned
    assert not set(web) & set(calls["sample_unit_id"])
    assert set(phone.call_assignment["sample_unit_id"]) == set(calls["sample_unit_id"])


def test_calls_are_in_calling_hours_after_the_letter_and_before_the_interview():
    sample, phone = _run()
    calls = pd.DataFrame(phone.call_attempt)
    at = pd.to_datetime(calls["called_at"])
    start = pd.Timestamp(WAVES[1][0]) + pd.Timedelta(days=35)
    assert (at >= start).all() and (at < pd.Timestamp(WAVES[1][1]) + pd.Timedelta(days=1)).all()
    local = at[calls["outcome"] != "completed"].dt.tz_localize("UTC").dt.tz_convert(
        "Europe/Amsterdam")
    assert local.dt.hour.between(10, 19).all()  # stored in UTC, made in Rotterdam hours
    assert (local.dt.hour < 12).any() and (local.dt.hour >= 18).any()
    assert (local.dt.day_of_week < 6).all() and (local.dt.day_of_week == 5).any()  # not Sunday
    assert at.is_monotonic_increasing
    began = pd.Series(sample["started_at"], index=sample["sample_ids"])
    before = calls[calls["outcome"] != "completed"]
    interviewed = before["sample_unit_id"].isin(sample["sample_ids"][:N // 4])
    assert (at[before.index][interviewed].to_numpy()
            < began[before["sample_unit_id"][interviewed]].to_numpy()).all()
    made = calls[calls["outcome"] == "appointment"]
    assert len(made) > 0
    assert (pd.to_datetime(made["appointment_at"]).dt.normalize()
            > at[made.index].dt.normalize()).all()
    assert calls.loc[calls["outcome"] != "appointment", "appointment_at"].isna().all()


def test_the_same_seed_gives_the_same_calls_and_another_seed_others():
    _, first = _run(5)
    _, again = _run(5)
    _, other = _run(6)
    for column in ("sample_unit_id", "outcome", "called_at", "appointment_at"):
        assert list(first.call_attempt[column]) == list(again.call_attempt[column])
    assert list(first.call_attempt["called_at"]) != list(other.call_attempt["called_at"])


def test_nothing_to_call_gives_no_rows():
    sample = _sample()
    sample["has_phone"] = np.zeros(N, dtype=bool)
    sample["mode"] = np.where(sample["mode"] == "phone", "web", sample["mode"])
    phone = simulate_phone(**sample, rng=np.random.default_rng(0))
    assert len(phone.call_attempt["outcome"]) == 0
    assert len(phone.phone_interview["language"]) == 0
    assert list(phone.disposition) == list(sample["disposition"])


@pytest.mark.parametrize("wave", [1, 2])
def test_calls_stay_inside_their_wave(wave):
    sample = _sample()
    sample["wave"] = np.full(N, wave)
    shift = np.datetime64(WAVES[wave][0], "s") - np.datetime64(WAVES[1][0], "s")
    sample["started_at"] = sample["started_at"] + shift
    sample["completed_at"] = sample["completed_at"] + shift
    phone = simulate_phone(**sample, rng=np.random.default_rng(3))
    at = pd.to_datetime(pd.Series(phone.call_attempt["called_at"]))
    assert at.min() >= pd.Timestamp(WAVES[wave][0]) + pd.Timedelta(days=35)
    assert at.max() < pd.Timestamp(WAVES[wave][1]) + pd.Timedelta(days=1)
