// GEMM: square sizes 64…2048 in the three forms backprop uses, at 1 thread
// and at the multi-thread count. Figure: GFLOP/s (2·m·n·k flops per call)
// and its fraction of the FMA peak measured for the same thread count.
//   nn: C = A·B    (forward, X·W)
//   nt: C = A·Bᵀ   (dX = dY·Wᵀ)
//   tn: C = Aᵀ·B   (dW = Xᵀ·dY)
// Peers have no thread control (tfjs-cpu is JavaScript, tfjs-wasm runs one
// thread in Node, the reference is single-threaded): they run once, at 1
// thread; except OpenBLAS (numpy's matmul, where installed), which runs every
// row at the row's thread count. Other SIMD paths run the 1-thread rows and
// the multi-thread 2048 rows, so AVX-512 and AVX2 meet at both.
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

export const family = 'gemm';
export const title = 'GEMM';
export const unit = 'GFLOP/s';
export const fractionNote =
  '% = of the peak FMA GFLOP/s at the same thread count (peers: of the default SIMD path\'s peak); peers other than OpenBLAS (single-threaded) show their 1-thread figure on every row; non-default SIMD paths run the 1-thread rows and 2048 at N threads';
export const perIsa = true;

const SIZES = [64, 128, 256, 512, 1024, 2048];
const VARIANTS = [
  { name: 'nn', label: 'A·B', transA: false, transB: false },
  { name: 'nt', label: 'A·Bᵀ (dY·Wᵀ)', transA: false, transB: true },
  { name: 'tn', label: 'Aᵀ·B (Xᵀ·dY)', transA: true, transB: false },
];
const QUICK = new Set(['nn/256/1', 'nn/256/N', 'nn/1024/1', 'nn/1024/N', 'nt/256/1', 'tn/256/1']);

const buffers = memo((n) => ({ a: uniform(n * n, 11), b: uniform(n * n, 12), c: new Float32Array(n * n) }));

export function cases({ threads }) {
  const out = [];
  for (const v of VARIANTS) {
    for (const t of threads === 1 ? [1] : [1, threads]) {
      for (const n of SIZES) {
        const tkey = t === 1 ? '1' : 'N';
        out.push({
          id: `gemm/${v.name}/${n}/t${t}`,
          label: `${v.name} ${n} ${t}t`,
          variant: v.name,
          size: n,
          threads: t,
          quick: QUICK.has(`${v.name}/${n}/${tkey}`),
          work: 2 * n * n * n,
          limit: t === 1 ? 'fma-1' : 'fma-N',
          // Skip a size whose estimated time (from the previous size) is too long.
          costKey: `gemm/${v.name}/t${t}`,
          cost: n * n * n,
          // Peers run only the 1-thread rows (the report reuses them for N),
          // OpenBLAS every row.
          peers: t === 1 ? true : ['openblas'],
          otherIsas: t === 1 || n === 2048,
          // 1-thread rates feed the training steps' time estimates.
          gemmVariant: t === 1 ? v.name : undefined,
          ours(ctx) {
            if (!ctx.has('gemm')) return { unavailable: NOT_IMPLEMENTED };
            if (t !== 1 && !ctx.threadControl) return { unavailable: 'no setThreads in this build' };
            const b = buffers(n);
            const opts = { transA: v.transA, transB: v.transB };
            return {
              threads: t,
              run: () => ctx.kernels.gemm(b.a, b.b, b.c, n, n, n, opts),
            };
          },
          numpy(ctx) {
            const c = { m: n, n, k: n, transA: v.transA, transB: v.transB, threads: t };
            return { threads: t, external: (policy) => ctx.matmul(c, policy) };
          },
          tfjs(ctx) {
            const { tf } = ctx;
            const b = buffers(n);
            const a = tf.tensor2d(b.a, [n, n]);
            const bb = tf.tensor2d(b.b, [n, n]);
            return {
              run: () => tf.matMul(a, bb, v.transA, v.transB).dispose(),
              dispose: () => tf.dispose([a, bb]),
            };
          },
        });
      }
    }
  }
  return out;
}
