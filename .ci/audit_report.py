"""Judge a pip-audit JSON report honestly (run by .ci/run).

    python3 .ci/audit_report.py REPORT.json EXIT_STATUS [STDERR_FILE]

Prints what was really audited: how many packages were checked against the advisory database,
which were skipped and why (not found on the index, the index unreachable), and every finding.
Exits 1 only for a known vulnerability that a released version fixes and that the audit saw;
an audit that could not run, or skipped packages, is said plainly (a WARNING line naming them),
not passed off as "nothing found", and does not fail the build on its own.
"""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path


def judge(report_path, exit_status: int, stderr: str = "") -> tuple[list[str], int]:
    """(lines to print, exit status) for a pip-audit JSON report at `report_path`."""
    try:
        report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        reason = stderr.strip().splitlines()[-1] if stderr.strip() else "no report written"
        return [f"pip-audit: WARNING: the audit could not run (exit {exit_status}: {reason}); "
                "NO dependency was audited"], 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    lines, fixable = [], []
    for dep in audited:
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            line = f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})"
            lines.append(f"pip-audit: {line}")
            if vuln.get("fix_versions"):
                fixable.append(line)
    by_reason = defaultdict(list)
    for dep in skipped:
        # "... could not be audited: flask (3.1.3)": one reason for all, the package listed
        reason = re.sub(r":\s*\S+ \([^)]*\)\s*$", "", dep["skip_reason"])
        by_reason[reason].append(dep["name"])
    for reason, names in sorted(by_reason.items()):
        lines.append(f"pip-audit: WARNING: {len(names)} package(s) NOT audited ({reason}): "
                     + ", ".join(sorted(names)))
    if not audited:
        lines.append(f"pip-audit: WARNING: nothing was audited: all {len(dependencies)} "
                     "package(s) were skipped")
    summary = f"pip-audit: {len(audited)} of {len(dependencies)} packages audited"
    if skipped:
        summary += f", {len(skipped)} skipped (see above)"
    if fixable:
        lines.append(f"{summary}; {len(fixable)} known vulnerabilities have a fix: upgrade "
                     "these packages")
        return lines, 1
    unfixed = sum(len(d.get("vulns", [])) for d in audited)
    lines.append(summary + (f"; {unfixed} known vulnerabilities without a fixed release"
                            if unfixed else "; no known vulnerability in those"
                            if audited else "; so nothing is known about their vulnerabilities"))
    return lines, 0


if __name__ == "__main__":
    stderr = Path(sys.argv[3]).read_text(errors="replace") if len(sys.argv) > 3 else ""
    printed, status = judge(sys.argv[1], int(sys.argv[2]), stderr)
    print("\n".join(printed))
    sys.exit(status)
