"""``python -m mentor.ai.pdf_text [MAX_BYTES]``: a PDF on stdin, its text on stdout. The server runs this in a child
process with memory and time limits (``resume.ExtractLimits``), so a hostile PDF costs only the child.

Exit status 0: text; 3: the PDF is unreadable (the message, for the client, is stderr's last line).
"""

from __future__ import annotations

import resource
import sys

from mentor.ai.resume import ResumeError, pdf_text


def main() -> int:
    if len(sys.argv) > 1:  # the address-space limit, set before the PDF is read
        limit = int(sys.argv[1])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    try:
        text = pdf_text(data)
    except ResumeError as exc:
        print(str(exc).replace("\n", " ")[:300], file=sys.stderr)
        return 3
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
