"""Staff side of the application: accounts with roles, sign-in sessions and the audit log.

- `roles`: the five roles, what each may do, and the `requires_role(...)` view decorator.
- `auth`: argon2 password hashes, sign-in, server-side sessions with an absolute lifetime and
  an idle timeout, and the Flask-Login wiring.
- `audit`: the append-only record of who did what.
- `commands`: `wijkprofiel staff add|list|disable|password`.

Settings: STAFF_SESSION_LIFETIME, STAFF_IDLE_TIMEOUT, STAFF_LOGIN_MAX_FAILURES,
STAFF_LOGIN_RATE_LIMIT and STAFF_ARGON2_PROFILE; the dashboard reads FIELDWORK_TARGETS,
FIELDWORK_PARTIAL_MIN_ANSWERS and EDITION_YEAR. Their defaults and meanings: `survey.settings`.

The staff pages share the app's session cookie (signed, HttpOnly, SameSite=Lax, Secure by
default); its PERMANENT_SESSION_LIFETIME is the respondents' (`survey.security`), so the staff
limits above are enforced on the server, whatever the cookie's own expiry.
"""
