"""Staff side of the application: accounts with roles, sign-in sessions and the audit log.

- `roles`: the five roles, what each may do, and the `requires_role(...)` view decorator.
- `auth`: argon2 password hashes, sign-in, server-side sessions with an absolute lifetime and
  an idle timeout, and the Flask-Login wiring.
- `audit`: the append-only record of who did what.
- `commands`: `wijkprofiel staff add|list|disable`.
"""
