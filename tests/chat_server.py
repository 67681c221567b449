"""A real server process for the multi-process chat tests and the chat benchmark, and an outside process
that sanctions.

    python tests/chat_server.py serve PORT            the app under Werkzeug, as ``socketio.run`` serves it
    python tests/chat_server.py disconnect USER_ID    ``chat.live.disconnect_user`` from a process that
                                                      holds no socket, then exit

Settings come from the environment like any deployment's: ``COMMUNITY_DATABASE_URL``,
``COMMUNITY_SECRET_KEY``, ``COMMUNITY_SOCKETIO_MESSAGE_QUEUE``, ``COMMUNITY_SOCKETIO_CHANNEL``.
"""

import sys

from community import create_app
from community.extensions import socketio


def serve(port: int) -> None:
    app = create_app()
    socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)


def disconnect(user_id: int) -> None:
    from community.chat import live

    app = create_app()
    with app.app_context():
        closed = live.disconnect_user(user_id, {"kind": "suspend", "until": None})
    print(closed, flush=True)


if __name__ == "__main__":
    command, argument = sys.argv[1], int(sys.argv[2])
    {"serve": serve, "disconnect": disconnect}[command](argument)
