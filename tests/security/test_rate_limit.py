"""Guessing personal codes (OWASP A07): the start page limits wrong codes per client address.

The limit is measured, not assumed: one client sends a wrong code every 5 seconds for an hour on a
fake clock (the limit's storage reads `time.time()`, which we replace, so the test takes
no wall-clock time), and we count how many guesses were looked up rather than refused with 429.
The counts are kept in the app's database (`survey.rate_limit_storage`), the default.

With the default LOGIN_RATE_LIMIT of "20 per 10 minutes" one address gets 120 guesses an hour:
2 a minute. A code has 50 bits (32 symbols, 10 places) and about 75,000 are live, so a guess
hits one with probability 75,000 / 2**50 = 6.7e-11; at 2 a minute one address needs on average
1.5e10 guesses = 7.5e9 minutes, about 14,000 years.
"""

from tests.support.security import OTHER_CODE, RESPONDENT_CODE, form_token, guess, wrong_code
from tests.support.staff import PASSWORD


def test_wrong_codes_per_minute_for_one_client_are_measured(build_app, sqlite_url, clock):
    app = build_app(sqlite_url)  # the default limit
    assert app.config["LOGIN_RATE_LIMIT"] == "20 per 10 minutes"
    client = app.test_client()
    token = form_token(client.get("/start").text)  # a form token has no time limit
    looked_up = refused = 0
    first_refusal = None
    for attempt in range(720):  # one wrong code every 5 seconds for an hour
        clock.now += 5
        response = guess(client, wrong_code(attempt), "198.51.100.1", token)
        if response.status_code == 429:
            refused += 1
            first_refusal = first_refusal if first_refusal is not None else attempt
            assert "te vaak een verkeerde code" in response.text
        else:
            assert response.status_code == 200 and "Deze code kennen we niet" in response.text
            looked_up += 1
    per_minute = looked_up / 60
    print(f"\nwrong codes looked up in one hour: {looked_up} ({per_minute:g} per minute); "
          f"first 429 after {first_refusal} attempts; {refused} refused")
    assert first_refusal == 20
    assert per_minute <= 2.0
    # 50-bit codes, 75,000 live: the expected number of years for one address to find one
    years = (2 ** 50 / 75_000) / (per_minute * 60 * 24 * 365)
    assert years > 10_000

    # another address is not affected by the first one's failures
    assert guess(client, OTHER_CODE, "198.51.100.2").status_code == 303


def test_the_owner_gets_in_after_the_window(build_app, sqlite_url, clock):
    app = build_app(sqlite_url)
    attacker_and_owner = "198.51.100.9"  # e.g. a shared mobile carrier address
    client = app.test_client()
    for number in range(20):
        clock.now += 1
        assert guess(client, wrong_code(number), attacker_and_owner).status_code == 200
    clock.now += 1
    locked = guess(app.test_client(), RESPONDENT_CODE, attacker_and_owner)
    assert locked.status_code == 429  # while the window lasts, even the right code waits
    clock.now += 10 * 60 + 1
    owner = app.test_client()
    response = guess(owner, RESPONDENT_CODE, attacker_and_owner)
    assert response.status_code == 303 and response.headers["Location"].endswith("/vragenlijst/")
    assert owner.get("/vragenlijst/pagina/woonduur").status_code == 200


def test_right_codes_never_count_against_the_limit(build_app, sqlite_url, clock):
    app = build_app(sqlite_url)
    client = app.test_client()
    for _ in range(30):  # a login clears the session, so each one fetches a fresh form
        clock.now += 1
        assert guess(client, RESPONDENT_CODE, "198.51.100.3").status_code == 303


def staff_login(client, username, password, address):
    environ = {"REMOTE_ADDR": address}
    token = form_token(client.get("/staff/login", environ_base=environ).text)
    return client.post("/staff/login", environ_base=environ,
                       data={"csrf_token": token, "username": username, "password": password})


def test_staff_sign_in_is_limited_per_address_across_usernames(build_app, sqlite_url, clock):
    """Password spraying: one address tries a password on many usernames, so the lock per
    username never trips; the limit per address does, at 30 failures in a quarter of an hour.
    A right password gives its attempt back, and another address is not affected."""
    app = build_app(sqlite_url)
    assert app.config["STAFF_LOGIN_RATE_LIMIT"] == "30 per 15 minutes"
    sprayer = "203.0.113.7"
    for attempt in range(30):
        clock.now += 1
        response = staff_login(app.test_client(), f"gebruiker{attempt}", "Welkom2024!", sprayer)
        assert response.status_code == 401, attempt
    clock.now += 1
    refused = staff_login(app.test_client(), "coordinator", PASSWORD, sprayer)
    assert refused.status_code == 429
    assert "Te veel inlogpogingen vanaf dit adres" in refused.text
    # a colleague elsewhere signs in; her right password does not fill her address's count
    for _ in range(35):
        clock.now += 1
        assert staff_login(app.test_client(), "coordinator", PASSWORD,
                           "203.0.113.8").status_code == 302
    # after the window the sprayer's address may sign in again
    clock.now += 15 * 60 + 1
    assert staff_login(app.test_client(), "coordinator", PASSWORD, sprayer).status_code == 302
