"""A claim about the paper and phone pages: every audit action they write is documented with
the others."""

import re

from survey.paths import PROJECT_ROOT


def test_every_audit_action_of_paper_and_phone_is_documented():
    from survey.staff import audit

    for module in ("paper", "phone"):
        source = (PROJECT_ROOT / "survey" / "routes" / f"{module}.py").read_text()
        actions = set(re.findall(r'audit\.record\("([a-z_]+)"', source))
        assert actions and all(f"`{action}`" in audit.__doc__ for action in actions), actions
