"""A freed mid-size block must not stay pinned in every thread's malloc arena (runtime.fix_mmap_threshold).

Each case runs in a fresh interpreter: glibc's threshold, once moved, stays moved for the process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mentor.runtime import fix_mmap_threshold
from mentor.settings import Settings

# Free one 1 MiB block (glibc then raises its thresholds), then let 8 threads, alive at once, each allocate and
# free a 1 MiB block, as the store's reader threads do with a mid-size result. Prints the RSS growth in KiB.
SCRIPT = """
import os, sys, threading
from mentor.runtime import fix_mmap_threshold
if sys.argv[1] == "fixed":
    assert fix_mmap_threshold(128)
def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
block = bytearray(1 << 20)  # over the 128 KiB threshold: its own mapping
del block  # glibc raises its mmap threshold to 1 MiB (and its trim threshold to 2 MiB)
barrier = threading.Barrier(8)
def work():
    block = bytearray(1 << 20)
    del block
    barrier.wait(10)  # all 8 threads live at once: each has an arena of its own
before = rss_kib()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(rss_kib() - before)
"""


def _growth_kib(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60,
                         check=True, cwd=Path(__file__).parents[1])
    return int(out.stdout.strip())


def test_a_freed_block_leaves_no_memory_in_each_threads_arena() -> None:
    if not fix_mmap_threshold(Settings().malloc_mmap_threshold_kib):
        pytest.skip("not glibc: its moving mmap threshold is what the setting fixes")
    moving, fixed = _growth_kib("moving"), _growth_kib("fixed")
    assert moving >= 4 * 1024, f"glibc's moving threshold should pin ~1 MiB per thread here, saw {moving} KiB"
    assert fixed < 1024, f"with the fixed threshold the 8 MiB went back to the OS, yet RSS grew {fixed} KiB"


def test_the_threshold_setting_is_checked() -> None:
    assert not fix_mmap_threshold(0)  # 0: glibc's own threshold, nothing set
    with pytest.raises(ValueError, match="malloc_mmap_threshold_kib"):
        Settings(malloc_mmap_threshold_kib=64 * 1024)
