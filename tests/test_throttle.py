"""Throttling that slows attackers, not owners."""

from community.accounts import services as accounts
from tests.fixtures.people import PASSWORD


def _staff(app):
    with app.app_context():
        return accounts.create_staff(None, {"real_name": "周", "phone": "13800000002", "password": PASSWORD},
                                     via="cli").phone


def _token(client, phone, password, address="10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"phone": phone, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_correct_password_works_after_five_wrong_ones_from_another_address(make_app):
    app = make_app()
    client = app.test_client()
    phone = _staff(app)
    for _ in range(5):
        assert _token(client, phone, "guess-guess-1", "203.0.113.9").status_code == 401
    assert _token(client, phone, "guess-guess-1", "203.0.113.9").status_code == 429
    assert _token(client, phone, PASSWORD, "198.51.100.7").status_code == 200


def test_backoff_starts_short(make_app):
    """A backoff, not a lockout: the first wait is seconds, not the whole window."""
    app = make_app(LOGIN_LIMIT_PER_PHONE="2 per 5 minutes")
    client = app.test_client()
    phone = _staff(app)
    for _ in range(2):
        _token(client, phone, "guess-guess-1")
    first = int(_token(client, phone, PASSWORD).headers["Retry-After"])
    assert 0 < first <= 15


def test_guesses_spread_over_many_addresses_slow_down(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="2 per 5 minutes")
    client = app.test_client()
    phone = _staff(app)
    for i in range(8):  # four times the per-address allowance, each from a new address
        assert _token(client, phone, "guess-guess-1", f"192.0.2.{i}").status_code == 401
    assert _token(client, phone, PASSWORD, "192.0.2.200").status_code == 429


def test_a_shared_nat_is_not_locked_out_by_a_few_mistakes(make_app):
    app = make_app()
    client = app.test_client()
    phone = _staff(app)
    for i in range(30):  # thirty neighbours behind one address each mistype once
        assert _token(client, f"1391111{i:04d}", "bad-bad-bad", "100.64.0.1").status_code == 401
    assert _token(client, phone, PASSWORD, "100.64.0.1").status_code == 200


def test_proxy_hops_pick_the_client_address(make_app):
    app = make_app(PROXY_HOPS=1, LOGIN_LIMIT_PER_PHONE="2 per 5 minutes")
    client = app.test_client()
    phone = _staff(app)
    for _ in range(2):
        client.post("/api/v1/auth/token", json={"phone": phone, "password": "guess-guess-1"},
                    headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    blocked = client.post("/api/v1/auth/token", json={"phone": phone, "password": PASSWORD},
                          headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert blocked.status_code == 429
    # Another client behind the same proxy is a different address.
    other = client.post("/api/v1/auth/token", json={"phone": phone, "password": PASSWORD},
                        headers={"X-Forwarded-For": "198.51.100.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert other.status_code == 200


def test_appeals_have_their_own_budget(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="3 per 5 minutes")
    client = app.test_client()
    phone = _staff(app)
    appeal = {"phone": phone, "password": "guess-guess-1", "sanction_id": 1, "text": "申诉"}
    for _ in range(3):
        assert client.post("/api/v1/appeals", json=appeal).status_code == 401
    assert client.post("/api/v1/appeals", json=appeal).status_code == 429
    assert client.post("/api/v1/auth/token", json={"phone": phone, "password": PASSWORD}).status_code == 200


def test_failed_logins_do_not_close_appeals(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="3 per 5 minutes")
    client = app.test_client()
    phone = _staff(app)
    for _ in range(3):
        _token(client, phone, "guess-guess-1", "127.0.0.1")
    appeal = {"phone": phone, "password": "guess-guess-1", "sanction_id": 1, "text": "申诉"}
    assert client.post("/api/v1/appeals", json=appeal).status_code == 401


def test_old_password_guesses_are_throttled(make_app, owner):
    from tests.conftest import Api
    app = make_app(LOGIN_LIMIT_PER_PHONE="3 per 5 minutes")
    api = Api(app.test_client())
    with app.app_context():
        token = api.token_for(owner)
    for _ in range(3):
        r = api.post("/me/password", token=token, json={"old_password": "guess-guess-1", "new_password": "x-y-z-12345"})
        assert r.status_code == 400
    r = api.post("/me/password", token=token, json={"old_password": PASSWORD, "new_password": "x-y-z-12345"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_unknown_phone_checks_a_password_hash_too(app, monkeypatch):
    """Equal time for known and unknown phones: both run one password-hash check."""
    import community.accounts.sessions as sessions
    calls = []
    real = sessions.check_password_hash
    monkeypatch.setattr(sessions, "check_password_hash", lambda h, p: (calls.append(h), real(h, p))[1])
    client = app.test_client()
    assert _token(client, "13999999999", "guess-guess-1").status_code == 401
    assert len(calls) == 1 and calls[0].startswith("pbkdf2:sha256:1000$")


def test_password_guesses_stay_throttled_with_the_route_limits_switched_off(make_app):
    """Switching Flask-Limiter off (``RATELIMIT_ENABLED``) leaves the password backoff on, in this process."""
    app = make_app(RATELIMIT_ENABLED=False, LOGIN_LIMIT_PER_PHONE="2 per 5 minutes")
    client = app.test_client()
    phone = _staff(app)
    assert [_token(client, phone, "guess-guess-1").status_code for _ in range(3)] == [401, 401, 429]
