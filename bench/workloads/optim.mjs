// Optimizer step kernels over flat parameter arrays. Figure: GB/s of bytes
// touched (each array read once, the updated ones written once) and its
// fraction of the in-place update bandwidth (the arrays a step writes it has
// just read, so no write-allocate traffic, as in that probe; 1e7: the 128 MB
// probe; 1e6: the 8 MB probe, since 12-16 MB also stay in this machine's L3 —
// a machine with a smaller L3 makes the 1e6 figure a DRAM figure).
//   sgd       reads θ g,     writes θ       12 B/param
//   momentum  reads θ g m,   writes θ m     20 B/param
//   adagrad   reads θ g v,   writes θ v     20 B/param
//   rmsprop   reads θ g v,   writes θ v     20 B/param
//   adam      reads θ g m v, writes θ m v   28 B/param
// Adam's step counter advances every call (its bias corrections change).
import { memo, uniform } from '../lib/fill.mjs';
import { NOT_IMPLEMENTED } from '../lib/targets.mjs';

// From dist/ (built by `npm install`'s prepare step, and by
// bench/lib/build.mjs when stale); null when dist/ is missing.
const family_ = await import(new URL('../../dist/backend/families/optim.js', import.meta.url).href).catch(() => null);

export const family = 'optim';
export const title = 'Optimizer steps';
export const unit = 'GB/s';
export const fractionNote =
  '% = of the in-place update bandwidth (1e6: the 8 MB update probe; 1e7: the 128 MB update probe, DRAM)';
export const perIsa = true;

const SIZES = [
  { label: '1e6', n: 1e6, limit: 'update-cache' },
  { label: '1e7', n: 1e7, limit: 'update-dram' },
];

// One case per entry of the step kernels' list (lib/backend/families/optim.ts,
// from dist/), derived: bytes = θ and g read, θ written, and each state array
// read and written (12 + 8 B/param per state array); the entry's example
// options, with Adam's step advancing every call.
const fromList = (e) => ({
  name: e.name,
  bytes: 12 + 8 * e.state.length,
  call: (k, b, extra = {}) => k[e.name](b.p, b.g, ...e.state.map((s) => b[s]), { ...e.example, ...('step' in e.example ? { step: ++b.step } : {}), ...extra }),
});
const steps = (family_?.OPTIM_STEPS ?? []).map(fromList);
const adam = steps.find((k) => k.name === 'adamStep');

const KERNELS = [
  ...steps,
  // The non-finite guard (what the optimizer classes always use): a read-only
  // pass over θ g m v first, then the writing pass. Same bytes credited as
  // adamStep, so its GB/s against adamStep's is the guard's cost.
  ...(adam ? [{ ...adam, label: 'adamStep guarded', id: 'adamStepGuarded', call: (k, b) => adam.call(k, b, { nonFinite: 'refuse' }) }] : []),
];

const buffers = memo((n) => ({
  p: uniform(n, 21),
  g: uniform(n, 22, -1e-2, 1e-2),
  m: new Float32Array(n),
  v: new Float32Array(n),
  step: 0,
}));

export function cases() {
  if (!family_) throw new Error('bench/workloads/optim.mjs: dist/ is missing; run `npm run build:ts` first');
  const out = [];
  for (const size of SIZES) {
    for (const kern of KERNELS) {
      out.push({
        id: `optim/${kern.id ?? kern.name}/${size.label}`,
        label: `${kern.label ?? kern.name} ${size.label}`,
        quick: kern.name === 'adamStep' && size.n === 1e6,
        work: kern.bytes * size.n,
        limit: size.limit,
        costKey: `optim/${kern.id ?? kern.name}`,
        cost: size.n,
        ours(ctx) {
          // The checked kernel may exist over a raw one this build lacks:
          // the first call then throws "not a function", reported as such.
          if (typeof ctx.kernels[kern.name] !== 'function') return { unavailable: NOT_IMPLEMENTED };
          const b = buffers(size.n);
          return { run: () => kern.call(ctx.kernels, b) };
        },
        // tfjs's optimizers update tf.Variables through several ops; they are
        // not step kernels over flat arrays, so no peer figure here.
      });
    }
  }
  return out;
}
