"""Read a PDF's text in a child process with an address-space limit and a deadline, so a hostile PDF
(a stream that inflates to gigabytes, a structure that keeps the parser busy for minutes) costs only the
child. ``python -m mentor.http.pdf_reader MAX_BYTES`` is that child: a PDF on stdin, its text on stdout;
exit status 3 with the reason on stderr's last line when the PDF is unreadable.
"""

from __future__ import annotations

import resource
import subprocess
import sys

from mentor.ai.resume import ExtractLimits, FileTooLarge, ResumeError, pdf_text

UNREADABLE = 3


def read_pdf_bounded(data: bytes, limits: ExtractLimits) -> str:
    """The PDF's text, read by a child limited to ``limits.pdf_max_memory_bytes`` and
    ``limits.pdf_timeout_s``. Blocking: call it from a worker thread. Raises FileTooLarge, ResumeError."""
    command = [sys.executable, "-m", "mentor.http.pdf_reader", str(limits.pdf_max_memory_bytes)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=limits.pdf_timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise ResumeError(f"the PDF could not be read within {limits.pdf_timeout_s} s") from None
    if done.returncode == 0:
        return done.stdout.decode("utf-8", errors="replace")
    errors = done.stderr.decode("utf-8", errors="replace")
    if done.returncode == UNREADABLE and errors.strip():
        raise ResumeError(errors.strip().splitlines()[-1])
    if "MemoryError" in errors:
        raise FileTooLarge("reading the PDF would take more memory than allowed")
    raise ResumeError("unreadable PDF")


def main() -> int:
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # before the PDF is read
    data = sys.stdin.buffer.read()
    try:
        text = pdf_text(data)
    except ResumeError as exc:
        print(str(exc).replace("\n", " ")[:300], file=sys.stderr)
        return UNREADABLE
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
