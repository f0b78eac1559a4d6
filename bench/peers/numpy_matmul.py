"""The OpenBLAS peer of the GEMM bench: numpy's matmul (on whatever BLAS numpy
links; Debian's python3-numpy with libopenblas0-pthread gives OpenBLAS).

Usage: numpy_matmul.py info
       numpy_matmul.py run '<json case>'
The case: {"m", "n", "k", "transA", "transB", "threads", "policy"}; the policy
has the bench's sampling fields (bench/lib/timing.mjs). Prints one JSON line:
info -> {"numpy", "blas", "config"}; run -> {"samples": [seconds per call],
"callsPerSample", "capped", "firstCall"} or {"skipped": reason}.
The thread count is set through OpenBLAS's own openblas_set_num_threads
(numpy has no thread control of its own).
"""
import ctypes
import ctypes.util
import json
import sys
import time

import numpy as np


def openblas():
    """The loaded OpenBLAS, or None (numpy on another BLAS)."""
    for name in ("libblas.so.3", "libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_set_num_threads  # raises AttributeError when not OpenBLAS
            return lib
        except (OSError, AttributeError):
            continue
    return None


def info():
    lib = openblas()
    config = None
    if lib is not None and hasattr(lib, "openblas_get_config"):
        lib.openblas_get_config.restype = ctypes.c_char_p
        config = lib.openblas_get_config().decode()
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            config += " core=" + lib.openblas_get_corename().decode()
    return {"numpy": np.__version__, "blas": "openblas" if lib is not None else "unknown", "config": config}


def run(case):
    lib = openblas()
    if lib is None:
        return {"skipped": "numpy does not run on OpenBLAS here"}
    lib.openblas_set_num_threads(int(case["threads"]))
    m, n, k = case["m"], case["n"], case["k"]
    rng = np.random.default_rng(11)
    a = rng.uniform(-1, 1, (k, m) if case["transA"] else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if case["transB"] else (k, n)).astype(np.float32)
    # Transposed views, as the native kernels read a transposed operand in
    # place: numpy hands OpenBLAS the flag, not a copy.
    av = a.T if case["transA"] else a
    bv = b.T if case["transB"] else b
    c = np.empty((m, n), dtype=np.float32)
    pol = case["policy"]

    def call():
        np.matmul(av, bv, out=c)

    t0 = time.perf_counter()
    call()
    first = time.perf_counter() - t0
    if first * pol["minSamples"] > pol["capSeconds"] * 1.5:
        return {"skipped": "one call took %.2f s" % first}
    calls, spent = 1, first
    while spent < min(0.02, pol["batchSeconds"] * 2) and calls < 1e6:
        t = time.perf_counter()
        call()
        spent += time.perf_counter() - t
        calls += 1
    reps = max(1, int(-(-pol["batchSeconds"] // (spent / calls))))
    samples, start, capped = [], time.perf_counter(), False
    while True:
        t = time.perf_counter()
        for _ in range(reps):
            call()
        samples.append((time.perf_counter() - t) / reps)
        elapsed, count = time.perf_counter() - start, len(samples)
        if count >= pol["maxSamples"]:
            break
        if count >= pol["wantSamples"] and count >= pol["minSamples"] and elapsed >= pol["targetSeconds"]:
            break
        if elapsed >= pol["capSeconds"] and count >= pol["minSamples"]:
            capped = count < pol["wantSamples"]
            break
    return {"samples": samples, "callsPerSample": reps, "capped": capped, "firstCall": first}


if __name__ == "__main__":
    out = info() if sys.argv[1] == "info" else run(json.loads(sys.argv[2]))
    print(json.dumps(out))
