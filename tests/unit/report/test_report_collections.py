"""`wijkprofiel report` tunes Python's cycle collector for its run and puts it back: tests and
the demo run commands in one process, which must not keep the report's settings."""

import gc

import pytest

from survey.report.commands import fewer_collections


def test_the_collector_is_restored_after_the_report_even_when_it_fails():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() != before
        assert gc.get_freeze_count() > 0  # the modules' objects are set aside
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the report failed")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_cycles_made_during_the_report_are_still_collected():
    class Node:
        pass

    with fewer_collections():
        node = Node()
        node.self = node
        del node
        assert gc.collect() > 0
