"""Claims about the staff side: the role table holds, and a wrong password profile is named.
The staff settings are walked with every other one in tests/unit/test_settings.py."""

import pytest

from survey.staff import auth, roles


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
