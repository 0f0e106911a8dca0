"""Staff side of the application: accounts with roles, sign-in sessions and the audit log.

- `roles`: the five roles, what each may do, and the `requires_role(...)` view decorator.
- `auth`: argon2 password hashes, sign-in, server-side sessions with an absolute lifetime and
  an idle timeout, and the Flask-Login wiring.
- `audit`: the append-only record of who did what.
- `commands`: `wijkprofiel staff add|list|disable|password`.

Settings (app config; defaults in brackets):

| setting                        | meaning                                                     |
|--------------------------------|-------------------------------------------------------------|
| STAFF_SESSION_LIFETIME         | seconds a staff session lasts after login [28800, 8 hours]  |
| STAFF_IDLE_TIMEOUT             | seconds without a request that end a session [1800]         |
| STAFF_LOGIN_MAX_FAILURES       | failed logins per username in 15 minutes before lock [5]    |
| STAFF_LOGIN_RATE_LIMIT         | failed logins per client address, any username, in the shared limiter store [30 per 15 minutes] |
| STAFF_ARGON2_PROFILE           | argon2-cffi profile for hashing [RFC_9106_LOW_MEMORY]       |
| FIELDWORK_TARGETS              | target net responses per wijk: a number, or a CSV file `wijk_code,target`; unset, the database's own file that `demo seed` writes, if any [420] |
| FIELDWORK_PARTIAL_MIN_ANSWERS  | answers a started unit needs to count as partial (1.2) [20] |
| EDITION_YEAR                   | the edition the dashboard shows; else the newest            |

The staff pages share the app's session cookie (signed, HttpOnly, SameSite=Lax, Secure by
default); its PERMANENT_SESSION_LIFETIME is the respondents' (`survey.security`), so the staff
limits above are enforced on the server, whatever the cookie's own expiry.
"""
