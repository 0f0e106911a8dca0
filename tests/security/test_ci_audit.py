"""CI's dependency audit (`.ci/run` through `.ci/audit_report.py`). Before, where the index
was unreachable or the packages were skipped ("not found"), pip-audit exited 0 and CI printed
"107 packages audited, nothing with a fix pending" while it had audited nothing. Now it says
what it audited, what it skipped and why, or that it could not run; and it fails only on a
fixable vulnerability it really saw."""

import json
import subprocess
import sys

from survey.paths import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / ".ci" / "audit_report.py"
NOT_FOUND = "Dependency not found on PyPI and could not be audited: {} (1.0)"


def run(tmp_path, report, status=0, stderr=""):
    path = tmp_path / "audit.json"
    if report is not None:
        path.write_text(json.dumps(report), encoding="utf-8")
    (tmp_path / "err").write_text(stderr, encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), str(path), str(status),
                             str(tmp_path / "err")], capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout


def test_every_package_skipped_is_not_called_audited(tmp_path):
    report = {"dependencies": [{"name": n, "skip_reason": NOT_FOUND.format(n)}
                               for n in ("flask", "numpy")],
              "fixes": []}
    status, out = run(tmp_path, report)
    assert status == 0
    assert "nothing was audited: all 2 package(s) were skipped" in out
    assert "0 of 2 packages audited, 2 skipped" in out
    assert ("2 package(s) NOT audited (Dependency not found on PyPI and could not be "
            "audited): flask, numpy") in out
    assert "nothing with a fix pending" not in out


def test_an_audit_that_could_not_run_says_so(tmp_path):
    status, out = run(tmp_path, None, 1, "ConnectionError: pypi.org unreachable\n")
    assert status == 0
    assert "could not run (exit 1: ConnectionError: pypi.org unreachable)" in out
    assert "NO dependency was audited" in out


def test_only_a_fixable_finding_fails(tmp_path):
    audited = [{"name": "flask", "version": "3.1.3", "vulns": []},
               {"name": "jinja2", "version": "3.1.0",
                "vulns": [{"id": "GHSA-x", "fix_versions": []}]}]
    status, out = run(tmp_path, {"dependencies": audited, "fixes": []}, 1)
    assert status == 0
    assert "jinja2 3.1.0: GHSA-x (fixed in: no fixed release yet)" in out
    assert "2 of 2 packages audited; 1 known vulnerabilities without a fixed release" in out
    audited[1]["vulns"][0]["fix_versions"] = ["3.1.6"]
    audited.append({"name": "gone", "skip_reason": NOT_FOUND.format("gone")})
    status, out = run(tmp_path, {"dependencies": audited, "fixes": []}, 1)
    assert status == 1
    assert "2 of 3 packages audited, 1 skipped" in out and "1 known vulnerabilities have a fix" in out


def test_ci_runs_the_report_and_keeps_a_failing_audit_status():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/audit_report.py" in ci and "audit_status=$?" in ci
    assert "|| true" not in ci.split("pip_audit", 1)[1].split("\n")[1]
