"""Claims about the staff side: every setting is documented, and the role table holds."""

import re

import pytest

import survey.staff
from survey.fieldwork import dashboard
from survey.population import targets
from survey.staff import auth, roles


def test_every_staff_and_fieldwork_setting_is_documented():
    documented = set(re.findall(r"^\| ([A-Z0-9_]+) ", survey.staff.__doc__, re.M))
    used = set(auth.DEFAULTS) | {"FIELDWORK_TARGETS", "FIELDWORK_PARTIAL_MIN_ANSWERS", "EDITION_YEAR"}
    assert used == documented
    assert "[28800, 8 hours]" in survey.staff.__doc__ and auth.DEFAULTS["STAFF_SESSION_LIFETIME"] == 28800
    assert f"[{targets.DEFAULT_TARGET}]" in survey.staff.__doc__
    assert f"[{dashboard.DEFAULT_PARTIAL_MIN_ANSWERS}]" in survey.staff.__doc__


def test_only_the_statistician_exports_answers_and_field_staff_see_nothing():
    assert roles.EXPORT_ANSWERS == (roles.STATISTICIAN,)
    for permission in (roles.VIEW_DASHBOARD, roles.EXPORT_DASHBOARD, roles.EXPORT_ANSWERS,
                       roles.RECORD_OUTCOME, roles.READ_AUDIT_LOG):
        assert roles.DATA_ENTRY not in permission and roles.INTERVIEWER not in permission


def test_a_misspelt_role_fails_when_the_view_is_declared():
    with pytest.raises(ValueError, match="requires_role: 'statistican' is not a role; expected one of"):
        roles.requires_role("statistican")


def test_an_unknown_argon2_profile_is_named():
    from survey.errors import ConfigError

    with pytest.raises(ConfigError, match="STAFF_ARGON2_PROFILE: 'FAST' is not an argon2 profile; "
                                          "expected one of CHEAPEST"):
        auth.password_hasher("FAST")
