"""``mentor serve`` from a shell: a taken port is one line that says how to pick another (issue 10 item 17)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import trio


async def test_a_taken_port_prints_one_line_and_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with trio.fail_after(60):
            done = await trio.run_process(
                [sys.executable, "-m", "mentor.cli", "serve", "--port", str(port),
                 "--database-url", f"sqlite:///{tmp_path / 'm.db'}", "--log-level", "WARNING"],
                capture_stdout=True, capture_stderr=True, check=False, stdin=subprocess.DEVNULL)
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1
    expected = (f"mentor: 127.0.0.1:{port} is already in use; pick another port with --port N "
                "or MENTOR_PORT=N (0 picks a free one)")
    assert lines == [expected], lines
