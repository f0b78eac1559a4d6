// Lists the C++ sources for binding.gyp, so adding a kernel file needs no
// build-file edit. `baseline`: everything compiled without ISA flags;
// (on non-x64 targets binding.gyp adds the avx2 list to the baseline: their
// bodies are guarded by NODEGRAD_X64 and their accessors return null);
// `avx2`: the *_avx2.cc files, compiled with -mavx2 -mfma in their own target.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dirs = ['native', 'native/kernels', 'native/plan', 'native/binding'];
const kind = process.argv[2];
const out = [];
for (const d of dirs) {
  for (const f of fs.readdirSync(path.join(root, d)).sort()) {
    if (!f.endsWith('.cc')) continue;
    const isAvx2 = f.endsWith('_avx2.cc');
    if ((kind === 'avx2') === isAvx2) out.push(`${d}/${f}`);
  }
}
process.stdout.write(out.join(' '));
