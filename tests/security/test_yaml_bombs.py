"""YAML alias bombs and deep nesting in questionnaire files and weighting plans. Before,
`questionnaire check` on a 600-byte alias bomb took 6 GB in 52 s, and 10,000 nested lists
ended in a RecursionError traceback. Now both stop at once, naming the file and the line."""

import os
import resource
import subprocess
import sys

import pytest
import yaml

from survey.paths import PROJECT_ROOT, QUESTIONNAIRES_DIR
from survey.questionnaire.loader import questionnaire_files
from tests.support import bombs
from weighting.safe_read import MAX_YAML_DEPTH, YamlLimitError, YamlLoader, measure_yaml


def test_the_real_questionnaires_are_far_below_the_limits():
    for path in questionnaire_files(QUESTIONNAIRES_DIR):
        nodes, depth = measure_yaml(yaml.compose(path.read_text(encoding="utf-8"),
                                                 Loader=YamlLoader))
        assert nodes < 20_000 and depth < 20, path


def test_anchors_and_merge_keys_stay_allowed():
    text = "base: &b {type: text, required: true}\nq1: {<<: *b, id: a}\nq2: {<<: *b, id: b}\n"
    assert yaml.load(text, Loader=YamlLoader)["q2"] == {"type": "text", "required": True,
                                                        "id": "b"}


@pytest.mark.parametrize("text, problem", [
    (bombs.yaml_alias_bomb(), "expands to more than"),
    (bombs.yaml_deep_nesting(), "nested more than"),
    (bombs.yaml_deep_nesting(MAX_YAML_DEPTH + 1), "nested more than"),
    ("a: &a [x]\n" + "".join(f"l{n}: &l{n} [*{'a' if n == 0 else f'l{n - 1}'}]\n"
                              for n in range(MAX_YAML_DEPTH + 5)), "nested more than"),
])
def test_bombs_are_refused_before_they_are_built(text, problem):
    with pytest.raises(YamlLimitError, match=problem):
        yaml.load(text, Loader=YamlLoader)


def _limit_memory():
    limit = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("name", ["alias_bomb.yaml", "deep_nesting.yaml"])
def test_questionnaire_check_stops_within_a_memory_limit(tmp_path, name):
    path = tmp_path / name
    maker = bombs.yaml_alias_bomb if name == "alias_bomb.yaml" else bombs.yaml_deep_nesting
    path.write_text("schema_version: 1\nid: bom\n" + maker(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-m", "survey", "questionnaire", "check", str(path)],
                            env=env, capture_output=True, text=True, timeout=60,
                            preexec_fn=_limit_memory)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "RecursionError" not in output
    assert f"{name} line " in output and "YAML too large" in output
