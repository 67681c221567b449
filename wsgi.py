from community import create_app
from community.extensions import socketio  # noqa: F401  (gunicorn and `flask run` serve Socket.IO through it)

app = create_app()
