// Batch-1 inference: one row through Dense(2048, 2048), the few-row GEMV
// path (no packing; the weights read once, at memory speed). Figure: GB/s of
// weights read (4·k·n bytes per call; x, bias and y are 16 KiB beside 16 MiB)
// and its fraction of the in-place update probe over the same 16 MiB
// footprint (update-16m; 1 thread).
//   dense: y = x·W + bias, W stored k×n (denseForward, Dense's own layout)
//   nt:    y = x·Wᵀ, W stored n×k (gemm with transB: PyTorch/ONNX layout)
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

export const family = 'gemv';
export const title = 'One row through Dense(2048, 2048)';
export const unit = 'GB/s';
export const fractionNote = '% = of the in-place update probe over a 16 MiB footprint (1 thread), the weights\' size';
export const perIsa = true;

const K = 2048;
const N = 2048;
const buffers = memo((m) => ({ x: uniform(m * K, 21), w: uniform(K * N, 22), bias: uniform(N, 23), y: new Float32Array(m * N) }));

export function cases({ threads }) {
  const out = [];
  for (const layout of ['dense', 'nt']) {
    for (const t of threads === 1 ? [1] : [1, threads]) {
      out.push({
        id: `gemv/${layout}/2048/t${t}`,
        label: `${layout === 'dense' ? 'x·W + b' : 'x·Wᵀ'} 1×2048×2048 ${t}t`,
        threads: t,
        quick: layout === 'dense',
        work: 4 * K * N,
        limit: 'update-16m',
        peers: ['openblas'],
        otherIsas: true,
        ours(ctx) {
          if (!ctx.has('gemm')) return { unavailable: NOT_IMPLEMENTED };
          if (t !== 1 && !ctx.threadControl) return { unavailable: 'no setThreads in this build' };
          const b = buffers(1);
          const run =
            layout === 'dense'
              ? () => ctx.raw.denseForward(b.x, b.w, b.bias, b.y, 1, N, K, 0, 0)
              : () => ctx.raw.gemm(b.x, b.w, b.y, 1, N, K, false, true, 1, 0);
          return { threads: t, run };
        },
        numpy(ctx) {
          const c = { m: 1, n: N, k: K, transA: false, transB: layout === 'nt', threads: t };
          return { threads: t, external: (policy) => ctx.matmul(c, policy) };
        },
      });
    }
  }
  return out;
}
