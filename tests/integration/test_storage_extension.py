"""Storage as a Flask extension: the app's database is implied inside an app context, each
context has one session that teardown closes, and every `transaction()` block commits (or
rolls back) on its own, on both backends."""

import pytest
from flask import g
from sqlalchemy import select

from survey import storage
from survey.models import Area


@pytest.fixture
def db_app(make_app, database_url, tmp_path):
    return make_app(database_url, serving=False)


def wijken(url):
    with storage.transaction(url) as db:
        return set(db.scalars(select(Area.wijk)))


def test_a_block_commits_when_it_ends_and_its_objects_stay_readable(db_app, database_url):
    with db_app.app_context():
        with storage.transaction() as db:
            db.add(Area(wijk_code=71, wijk="Tarwewijk", gebied="Charlois"))
        # committed before the block's caller goes on: another connection sees it
        assert wijken(database_url) == {"Tarwewijk"}
        with storage.transaction() as db:
            area = db.get(Area, 71)
        assert area.wijk == "Tarwewijk"  # loaded in the block, read after it


def test_a_block_that_raises_stores_nothing_and_the_next_block_works(db_app, database_url):
    with db_app.app_context():
        with pytest.raises(RuntimeError):
            with storage.transaction() as db:
                db.add(Area(wijk_code=71, wijk="Tarwewijk", gebied="Charlois"))
                db.flush()
                raise RuntimeError("the view failed")
        assert wijken(database_url) == set()
        with storage.transaction() as db:
            db.add(Area(wijk_code=72, wijk="Carnisse", gebied="Charlois"))
    assert wijken(database_url) == {"Carnisse"}


def test_each_block_reads_afresh(db_app, database_url):
    """What another connection committed between two blocks is seen by the second, as with a
    new session per block (the identity map does not keep stale rows)."""
    with db_app.app_context():
        with storage.transaction() as db:
            db.add(Area(wijk_code=71, wijk="Tarwewijk", gebied="Charlois"))
        with storage.transaction() as db:
            assert db.get(Area, 71).wijk == "Tarwewijk"
        with storage.transaction(database_url) as other:
            other.get(Area, 71).wijk = "Tarwewijk-Noord"
        with storage.transaction() as db:
            assert db.get(Area, 71).wijk == "Tarwewijk-Noord"


def test_a_block_inside_a_block_is_a_transaction_of_its_own(db_app, database_url):
    with db_app.app_context():
        with storage.transaction() as outer:
            outer.add(Area(wijk_code=71, wijk="Tarwewijk", gebied="Charlois"))
            with storage.transaction() as inner:
                assert inner is not outer
                assert inner.get(Area, 71) is None  # not yet committed by the outer block
        assert wijken(database_url) == {"Tarwewijk"}


def test_one_session_per_app_context_closed_at_teardown(db_app):
    with db_app.app_context():
        first = storage.session()
        assert storage.session() is first
        with storage.transaction() as db:
            assert db is first
        assert storage.database_url() == db_app.config["DATABASE_URL"]
    with db_app.app_context():
        assert storage.session() is not first
        assert "_storage_session" in g
    assert "storage" in db_app.extensions


def test_a_request_leaves_no_session_open(db_app):
    seen = []

    @db_app.get("/probe")
    def probe():
        with storage.transaction() as db:
            db.add(Area(wijk_code=71, wijk="Tarwewijk", gebied="Charlois"))
        # a read outside any block begins a transaction that nobody ends here
        session = storage.session()
        session.get(Area, 71)
        assert session.in_transaction()
        seen.append(session)
        return "ok"

    assert db_app.test_client().get("/probe").status_code == 200
    # teardown closed it: no transaction left open, no object held
    assert not seen[0].in_transaction() and not list(seen[0])


def test_views_and_commands_do_not_pass_the_database_url_by_hand():
    """The app's database is read in one place (`storage.database_url`). The one other reads
    it for what is not a session: the server, before it forks its workers. Domain functions
    take a session, never a URL."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {"survey/storage.py", "survey/serve.py"}
    readers = {path.relative_to(root).as_posix()
               for path in (root / "survey").rglob("*.py")
               if re.search(r"""config\[["']DATABASE_URL["']\]|def _url\(""",
                            path.read_text(encoding="utf-8"))}
    assert readers <= allowed, sorted(readers - allowed)


def _calls(pattern):
    """{module: the calls matching `pattern`} over survey/, storage.py itself left out."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = {}
    for path in (root / "survey").rglob("*.py"):
        name = path.relative_to(root).as_posix()
        calls = re.findall(pattern, path.read_text(encoding="utf-8"))
        if calls and name != "survey/storage.py":
            found[name] = calls
    return found


def test_the_sample_and_other_domain_code_take_a_session_not_a_url():
    """`storage.transaction(url)` with a URL is for code without an app (tests, benchmarks).
    In the app, blocks use the app's session (`storage.transaction()`) and hand it to the
    domain functions (the sample's draw and import, the print run, the streamed export, the
    analysis frame, the report and the site take `db`). Nothing in survey/ opens a
    transaction from a URL."""
    assert _calls(r"\btransaction\(\s*[A-Za-z_]") == {}


def test_a_session_is_opened_from_a_url_only_where_the_database_is_named():
    """`storage.session_at(url)` turns a URL into a session, once, where a database other
    than the app's can be named: the report and publish commands' `--database-url`, and the
    demo seed, which seeds the database it is given (tests and benchmarks call it without an
    app). Everything below them takes the session."""
    # `with`, possibly beside other context managers on the same line
    openers = _calls(r"\bwith\b[^\n]*\bstorage\.session_at\(\s*[A-Za-z_]\w*\s*\)")
    assert set(openers) == {"survey/report/commands.py", "survey/publish/commands.py",
                            "survey/demo/seed.py"}, openers


def test_session_at_is_the_apps_session_for_its_own_database(db_app, database_url, tmp_path):
    with db_app.app_context():
        with storage.session_at() as db:
            assert db is storage.session()
        with storage.session_at(database_url) as db:
            assert db is storage.session()
        other = f"sqlite:///{tmp_path / 'other.db'}"
        storage.upgrade(other)
        with storage.session_at(other) as db:
            assert db is not storage.session()
            with db.begin():
                db.add(Area(wijk_code=72, wijk="Carnisse", gebied="Charlois"))
        assert not db.in_transaction() and not list(db)
    assert wijken(other) == {"Carnisse"} and wijken(database_url) == set()
