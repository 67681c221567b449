"""Keys: the ID-number hash key is separate from the signing key on new installations, and kept for old ones."""

from pathlib import Path

from community.accounts import services as accounts
from community.extensions import db


def test_new_installation_gets_its_own_id_hash_key(make_app, tmp_path):
    app = make_app(ID_HASH_KEY=None)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        key = accounts.id_key()
        assert key != app.config["SECRET_KEY"] and len(key) == 64
        assert (Path(app.instance_path) / "id_hash_key").read_text() == key
        assert (Path(app.instance_path) / "id_hash_key").stat().st_mode & 0o777 == 0o600
        db.session.remove()


def test_an_installation_with_hashes_keeps_the_signing_key(make_app, tmp_path, roster):
    app = make_app(ID_HASH_KEY=None)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        assert accounts.id_key() == app.config["SECRET_KEY"]
        db.session.remove()


def test_audit_key_is_generated_outside_the_database(make_app, tmp_path, admin):
    from community.audit import anchors
    app = make_app(AUDIT_KEY=None)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        key = anchors._key()
        assert (Path(app.instance_path) / "audit_key").read_text() == key and len(key) == 64
        db.session.remove()
