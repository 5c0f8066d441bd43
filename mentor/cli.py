"""``mentor serve``: run the service. Every setting is an option and a MENTOR_* environment variable."""

from __future__ import annotations

import argparse
import dataclasses
import errno
import functools
import logging
import sys
from typing import Any

import trio

from mentor.settings import Settings, convert, env_name, from_env


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentor", description="Mentor: a real-time interview copilot backend")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP/SSE/WebSocket server",
                           description="Run the server. Options override environment variables, which override "
                                       "the defaults shown.")
    for f in dataclasses.fields(Settings):
        if f.name == "jwt_secret":
            continue  # secrets on a command line end up in `ps` and shell history: env MENTOR_JWT_SECRET only
        help_text = f"{f.metadata.get('help', '')} (default: {f.default!r}; env {env_name(f)})"
        serve.add_argument("--" + f.name.replace("_", "-"), dest=f.name, default=None,
                           type=functools.partial(convert, f), help=help_text)
    serve.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR (default: INFO)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    options: dict[str, Any] = {k: v for k, v in vars(args).items() if k not in {"command", "log_level"}}
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = from_env(**options)
    except ValueError as exc:
        print(f"mentor: {exc}", file=sys.stderr)
        return 2
    from mentor.http.server import serve

    try:
        trio.run(serve, settings)
    except (OSError, BaseExceptionGroup) as exc:
        if not _address_in_use(exc):
            raise
        print(f"mentor: {settings.host}:{settings.port} is already in use; pick another port with --port N "
              f"or MENTOR_PORT=N (0 picks a free one)", file=sys.stderr)
        return 1
    return 0


def _address_in_use(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno == errno.EADDRINUSE
    if isinstance(exc, BaseExceptionGroup):
        return any(_address_in_use(inner) for inner in exc.exceptions)
    return False


if __name__ == "__main__":
    sys.exit(main())
