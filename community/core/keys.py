"""Key files under ``instance/``: written once, readable by their owner only."""

import os
from pathlib import Path


def write_once(path: Path, value: str) -> None:
    """Create the file with ``value`` unless it exists; another process that got there first wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as out:
        out.write(value)
