"""Helpers the tests share (plain modules: no tests, no fixtures; the fixtures are in the
conftest.py files, which use these).

apps            the one app builder, `make_app(url, **overrides)`, behind the make_app fixture
staff           staff accounts per role, login and logout through the real forms
respondent      the mini questionnaire's units, a browser-like test client, stored answers
paper, phone    data entry and interviewer set-ups and form posting
letters         an edition whose units exercise who gets a letter
fieldwork_data  the hand-built fieldwork edition (dashboard counts in its docstring)
security        the security tests' app, hostile strings, the login limit's fake clock
bad_input       the bad-input corpus, running a command on it, a clean failure
bombs           hostile workbooks and YAML made on the fly
browser         chromium pages, logging in, axe-core, reflow checks
live_server     the app in a process a test can kill, or in a thread
text_browser    lynx and w3m driven by keystrokes
publish         report tables for the public site
postgres_server PostgreSQL on loopback for the postgres tests
demo_walk       the path a demo respondent takes through a questionnaire
sampling        the draw and the import on a database named by URL, a transaction each
clock           the fixed day of `fixed_clock`
loadclient, app_servers, faults, guessing
                simulated respondents, gunicorn app servers, faults and code guessing,
                shared with benchmarks/ (benchmarks import from here, never the reverse)
"""
