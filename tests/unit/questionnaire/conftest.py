from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "questionnaires"


@pytest.fixture
def fixtures():
    return FIXTURES


@pytest.fixture
def minimal_path():
    return FIXTURES / "minimal.yaml"
