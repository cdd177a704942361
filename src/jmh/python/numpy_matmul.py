"""Single-thread OpenBLAS on MatrixBenchmark's shapes: the third column of the matrix table.

Run with OPENBLAS_NUM_THREADS=1 (src/scripts/bench.sh --numpy does); prints ms per product and GFLOP/s.
"""
import os
import sys
import time

import numpy as np

rows, dims = (int(x) for x in (sys.argv[1:3] if len(sys.argv) > 2 else (1000, 768)))
rng = np.random.default_rng(1)
a = rng.uniform(-1, 1, (rows, dims)).astype(np.float32)
b = rng.uniform(-1, 1, (rows, dims)).astype(np.float32)
a /= np.linalg.norm(a, axis=1, keepdims=True)
b /= np.linalg.norm(b, axis=1, keepdims=True)
for _ in range(5):  # warm up
    a @ b.T
times = []
for _ in range(20):
    t = time.perf_counter()
    a @ b.T
    times.append(time.perf_counter() - t)
best = min(times)
median = sorted(times)[len(times) // 2]
flops = 2.0 * rows * rows * dims
print(f"numpy {np.__version__} OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')} "
      f"{rows}x{rows}x{dims}: median {median * 1e3:.2f} ms ({flops / median / 1e9:.1f} GFLOP/s), "
      f"best {best * 1e3:.2f} ms ({flops / best / 1e9:.1f} GFLOP/s)")
