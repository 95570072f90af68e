import subprocess
import sys

import pytest

# Each probe runs in a fresh interpreter: malloc settings hold for a whole process. argv[1] is
# "tuned" (keep_freed_memory applied first) or "default".
_PREAMBLE = r"""
import resource, sys
import numpy as np

def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()

if sys.argv[1] == "tuned":
    from crosswire.runtime import keep_freed_memory
    assert keep_freed_memory() is True
"""

_PROBE = _PREAMBLE + r"""
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

block = np.ones((20 << 20) // 4, dtype=np.float32)  # 20 MB, every page touched
held = resident_bytes()
del block
released = held - resident_bytes()
start = faults()
block = np.ones((20 << 20) // 4, dtype=np.float32)
print(released, faults() - start)
"""


def _run(probe: str, mode: str) -> list[int]:
    """The integers a probe prints, run in a fresh interpreter in `mode` ("tuned" or "default")."""
    out = subprocess.run([sys.executable, "-c", probe, mode], capture_output=True, text=True, check=True).stdout
    return [int(x) for x in out.split()]


def _probe(mode: str) -> tuple[int, int]:
    """(bytes handed back to the kernel when a 20 MB array is freed, page faults for the next one)"""
    released, faults = _run(_PROBE, mode)
    return released, faults


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_batch_commands_keep_freed_arrays_for_reuse():
    # by default glibc maps a fresh 20 MB block from the kernel and unmaps it when it is freed
    released, _ = _probe("default")
    assert released >= (15 << 20)
    # after keep_freed_memory the process keeps it, and the next array of that size faults in no new pages
    released, faults = _probe("tuned")
    assert released < (2 << 20)
    assert faults < 200


_THREADS_PROBE = _PREAMBLE + r"""
import threading

turn = threading.Lock()

def story():
    # like a story thread in lockstep: allocate, work, free, while the other threads wait their turn
    with turn:
        blocks = [np.ones((1 << 20) // 4, dtype=np.float32) for _ in range(40)]  # 40 x 1 MB
        del blocks

before = resident_bytes()
threads = [threading.Thread(target=story) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(resident_bytes() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_threads_taking_turns_reuse_one_arena():
    # Eight threads each free 40 MB before the next allocates: with an arena per thread each arena would
    # keep its own 40 MB (about 320 MB in all); with one arena the next thread reuses the same pages.
    (grown,) = _run(_THREADS_PROBE, "tuned")
    assert grown < (100 << 20)
