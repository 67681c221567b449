"""Identity benchmark: the memory an image upload costs, login time for known and unknown phones, and the
audit chain verified against its anchors.

- **Peak RSS of one worker decoding one image**, each case in a fresh process (``ru_maxrss`` of the child, and
  the same process's RSS before decoding): the largest PNG and JPEG the pixel caps accept, a 20,000 × 20,000
  PNG (refused from its header), and, for comparison, the decoding path before this change (40 M pixel cap,
  full-size decode, EXIF transpose before shrinking) on a 6,000 × 6,000 PNG of the kind that raised a worker
  from 229 MB to 681 MB.
- **Login time**, known phone vs unknown phone, with the production password hash (scrypt): they should match.
- **Audit verify** over ``--entries`` entries, chain and anchors both.

Run: ``.venv/bin/python benchmarks/bench_identity.py [--postgres] [--entries 100000]``.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_foundation import SECRET, on_each_database  # noqa: E402

CHILD = r"""
import io, sys, json
from PIL import Image, ImageOps
sys.path.insert(0, {root!r})
from community import create_app
from community.boards import media

def status_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024

def old_decode(data):
    with Image.open(io.BytesIO(data)) as probe:
        if probe.width * probe.height > 40_000_000:
            raise ValueError("too many pixels")
        probe.load()
        image = ImageOps.exif_transpose(probe)
    image.thumbnail((2048, 2048))
    mode = "RGB" if image.mode in ("RGB", "L") else "RGBA"
    pixels = image.convert(mode)
    return Image.frombytes(mode, pixels.size, pixels.tobytes())

data = open(sys.argv[1], "rb").read()
app = create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite://", "ID_HASH_KEY": "x", "AUDIT_KEY": "y"}})
before = status_mb("VmRSS")
outcome = "decoded"
with app.app_context():
    try:
        if sys.argv[2] == "old":
            old_decode(data)
        else:
            media._decode(data)
    except Exception as error:
        outcome = "refused: " + type(error).__name__
peak = status_mb("VmHWM")  # ru_maxrss would carry the parent's peak across exec
print(json.dumps({{"before": before, "peak": peak, "outcome": outcome}}))
"""


def _png(width: int, height: int, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    from PIL import Image
    Image.new(mode, (width, height), (40, 90, 160, 255) if mode == "RGBA" else (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _jpeg(width: int, height: int) -> bytes:
    """A photo-sized JPEG under the 5 MB upload limit."""
    from PIL import Image
    out = io.BytesIO()
    Image.radial_gradient("L").resize((width, height)).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def memory(args) -> None:
    import struct
    import zlib

    def huge_png():
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 60_001 * 8))
                + chunk(b"IEND", b""))

    cases = [
        ("PNG 4000x3000 RGBA (at its cap)", _png(4000, 3000), "new"),
        ("JPEG 8000x6000 (under its cap)", _jpeg(8000, 6000), "new"),
        ("JPEG 10000x5000 (at its cap)", _jpeg(10000, 5000), "new"),
        ("PNG 20000x20000 (header only)", huge_png(), "new"),
        ("PNG 6000x6000 RGBA, new path", _png(6000, 6000), "new"),
        ("PNG 6000x6000 RGBA, old path", _png(6000, 6000), "old"),
    ]
    print("\nPeak RSS of one process decoding one image (caps: JPEG 50 M pixels, PNG and WebP 12 M):")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "child.py"
        script.write_text(CHILD.format(root=str(ROOT)))
        for name, data, path in cases:
            image = Path(folder) / "image"
            image.write_bytes(data)
            done = subprocess.run([sys.executable, str(script), str(image), path], capture_output=True, text=True,
                                  env={**os.environ, "COMMUNITY_SECRET_KEY": SECRET}, check=True)
            import json
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {name:38} {len(data) / 1024:8.0f} KB  before {result['before']:6.0f} MB  "
                  f"peak {result['peak']:6.0f} MB  (+{result['peak'] - result['before']:4.0f})  {result['outcome']}")


def run(url: str, dialect: str, args) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from community import create_app
    from community.accounts import services as accounts
    from community.accounts import sessions
    from community.audit import services as audit
    from community.audit.models import AuditEntry
    from community.core.errors import InvalidCredentials
    from community.core.timeutil import utcnow
    from community.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ID_HASH_KEY": SECRET, "AUDIT_KEY": SECRET,
                          "AUDIT_ANCHOR_PATH": f"{folder}/anchors.log"})
        with app.app_context():
            upgrade()
            accounts.create_staff(None, {"real_name": "林管理", "phone": "13800000001",
                                         "password": "bench-pass-2026", "role": "admin"}, via="cli")
            timings = {"known phone": [], "unknown phone": []}
            for _ in range(10):
                for label, phone in (("known phone", "13800000001"), ("unknown phone", "13999999999")):
                    start = time.perf_counter()
                    try:
                        sessions.authenticate(phone, "wrong-password-1")
                    except InvalidCredentials:
                        pass
                    timings[label].append((time.perf_counter() - start) * 1000)
            print(f"\n[{dialect}] failed login, scrypt, median of 10:")
            for label, values in timings.items():
                print(f"  {label:14} {statistics.median(values):7.1f} ms")

            at, prev, rows = utcnow(), audit.GENESIS, []
            for seq in range(2, args.entries + 2):
                detail = {"n": seq}
                hash_ = audit.entry_hash(prev, audit.canonical(seq, at, None, "bench.entry", "user:1", detail))
                rows.append({"seq": seq, "at": at, "actor_id": None, "action": "bench.entry", "target": "user:1",
                             "detail": detail, "prev_hash": prev, "hash": hash_})
                prev = hash_
            first = db.session.get(AuditEntry, 1)
            rows[0]["prev_hash"] = first.hash
            prev = first.hash
            for row in rows:  # re-chain onto the real first entry
                row["prev_hash"] = prev
                row["hash"] = audit.entry_hash(prev, audit.canonical(row["seq"], at, None, row["action"],
                                                                     row["target"], row["detail"]))
                prev = row["hash"]
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(AuditEntry), rows[start:start + 5000])
            db.session.commit()
            start = time.perf_counter()
            anchored = audit.anchor_existing()
            anchor_s = time.perf_counter() - start
            start = time.perf_counter()
            ok, count, _bad = audit.verify()
            verify_s = time.perf_counter() - start
            size = Path(f"{folder}/anchors.log").stat().st_size
            print(f"[{dialect}] audit: anchored {anchored:,} existing entries in {anchor_s:.2f} s "
                  f"({size / 1e6:.1f} MB log); verify {count:,} entries against anchors in {verify_s:.2f} s, ok={ok}")
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a fresh PostgreSQL database")
    parser.add_argument("--entries", type=int, default=100_000, help="audit chain length to verify")
    args = parser.parse_args()
    os.environ.setdefault("COMMUNITY_SECRET_KEY", SECRET)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    memory(args)
    on_each_database(run, args)


if __name__ == "__main__":
    main()
