"""Starts moto_server on loopback with the Class Lab Kit's emulator patches (patches.py).

    python3 scripts/emulator/launch.py --port 5123
    python3 scripts/emulator/launch.py --port 5123 --quota-without-applied-value ec2/L-1216C47A

Refuses any address but loopback, and refuses (and reports on stderr) any connection the server
itself tries to open outside loopback.
"""
from typing import Any
import argparse
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
GUARD_PREFIX = "class-lab-emulator: refused a connection outside loopback:"


def is_loopback(host: Any) -> bool:  # type: ignore[name-defined]
    return isinstance(host, str) and (host in LOOPBACK or host.startswith("127."))


def guard_network() -> None:
    """Every outbound connection of the server must stay on loopback."""
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def check(address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if self_family_is_unix(address):
            return
        if not is_loopback(host):
            print(f"{GUARD_PREFIX} {address}", file=sys.stderr, flush=True)
            raise ConnectionRefusedError(f"class-lab-emulator: no connection outside loopback ({address})")

    def self_family_is_unix(address: object) -> bool:
        return isinstance(address, (str, bytes))

    def connect(self: socket.socket, address: object) -> None:
        check(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        check(address)
        return original_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", "-p", type=int, required=True)
    parser.add_argument("--host", "-H", default="127.0.0.1")
    parser.add_argument(
        "--quota-without-applied-value", metavar="SERVICE/QUOTA", action="append", default=[],
        help="a quota (e.g. ec2/L-1216C47A) GetServiceQuota answers NoSuchResourceException for, as AWS does for some; repeatable",
    )
    args = parser.parse_args()
    unapplied = [tuple(q.split("/", 1)) for q in args.quota_without_applied_value]
    if any(len(q) != 2 or not all(q) for q in unapplied):
        parser.error("--quota-without-applied-value takes SERVICE/QUOTA, e.g. ec2/L-1216C47A")
    if args.host not in LOOPBACK:
        parser.error(f"--host must be loopback (127.0.0.1, localhost or ::1), got {args.host}")
    # moto's own boto3 calls would otherwise look for credentials at the instance metadata
    # service (169.254.169.254), which the guard refuses: the emulator needs none.
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    guard_network()
    import patches
    patches.UNAPPLIED_QUOTAS.update(unapplied)  # type: ignore[arg-type]
    applied = patches.apply_all()
    print(f"class-lab-emulator: moto with {len(applied)} patches ({', '.join(applied)}) on http://localhost:{args.port}", file=sys.stderr, flush=True)
    if unapplied:
        print(f"class-lab-emulator: no applied value for {', '.join('/'.join(q) for q in unapplied)}", file=sys.stderr, flush=True)
    from moto import server
    server.main(["-H", args.host, "-p", str(args.port)])


if __name__ == "__main__":
    main()
