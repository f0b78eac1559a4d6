// Puts README.md's sections in a user's order and writes its table of
// contents. The README is a sequence of blocks, each between
// `<!-- section:NAME -->` and `<!-- /section:NAME -->` (each helper owns its
// blocks' text; this script only moves whole blocks). ORDER lists the names;
// a block it does not list goes before UNKNOWN_BEFORE, and is reported, so
// a new section lands in a sensible place until someone lists it.
// Usage: node scripts/readme-order.mjs [--check]   (--check: exit 1 if not in order)
import { readFileSync, writeFileSync } from 'node:fs';

const ORDER = [
  'intro', 'toc', 'setup', 'install', 'quickstart', 'usage',
  'cli',
  'api', 'tensor', 'layers', 'categorical', 'training', 'data', 'integrity', 'model-files', 'deploy', 'export', 'tfjs',
  'server', 'distributed',
  'kernel-api', 'activations', 'elementwise', 'reductions', 'gemm', 'optim',
  'numerics',
  'performance', 'charts',
  'reliability',
  'building', 'license',
];
const UNKNOWN_BEFORE = 'kernel-api';

const file = process.argv.find((a, i) => i > 1 && !a.startsWith('--')) ?? new URL('../README.md', import.meta.url);
const text = readFileSync(file, 'utf8');
const re = /<!-- section:([\w-]+) -->\n([\s\S]*?)<!-- \/section:\1 -->\n?/g;
const blocks = [];
let last = 0;
for (const m of text.matchAll(re)) {
  const loose = text.slice(last, m.index).trim();
  if (loose) throw new Error(`README.md: text outside any section before "${m[1]}": ${JSON.stringify(loose.slice(0, 80))}`);
  blocks.push({ name: m[1], body: m[2] });
  last = m.index + m[0].length;
}
if (text.slice(last).trim()) throw new Error(`README.md: text after the last section: ${JSON.stringify(text.slice(last).trim().slice(0, 80))}`);
const names = blocks.map((b) => b.name);
const dup = names.find((n, i) => names.indexOf(n) !== i);
if (dup) throw new Error(`README.md: section "${dup}" appears twice`);

const unknown = names.filter((n) => !ORDER.includes(n));
if (unknown.length) console.error(`readme-order: sections not in ORDER, placed before "${UNKNOWN_BEFORE}": ${unknown.join(', ')}`);
const order = [...ORDER];
order.splice(order.indexOf(UNKNOWN_BEFORE), 0, ...unknown);
const sorted = order.map((n) => blocks.find((b) => b.name === n)).filter(Boolean);

// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.
const seen = new Map();
function anchor(title) {
  const base = title.toLowerCase().replace(/<[^>]+>/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return n ? `${base}-${n}` : base;
}
const toc = [];
for (const b of sorted) {
  if (b.name === 'toc') continue;
  let fence = false;
  for (const line of b.body.split('\n')) {
    if (/^```/.test(line)) fence = !fence;
    const h = !fence && /^(##|###) (.+)$/.exec(line);
    if (!h) continue;
    const title = h[2].trim();
    const link = `[${title.replace(/`/g, '')}](#${anchor(title)})`;
    if (h[1] === '##') toc.push(`- ${link}`);
  }
}
const tocBody = `## Contents\n\n${toc.join('\n')}\n\n`;
const out = sorted.map((b) => `<!-- section:${b.name} -->\n${b.name === 'toc' ? tocBody : b.body}<!-- /section:${b.name} -->\n`).join('\n');
if (process.argv.includes('--check')) {
  if (out !== text) {
    console.error('readme-order: README.md is not in order (run node scripts/readme-order.mjs)');
    process.exit(1);
  }
} else writeFileSync(file, out);
