// Lists the C++ sources for binding.gyp, so adding a kernel file needs no
// build-file edit. `baseline`: everything compiled without ISA flags;
// `avx2`: the *_avx2.cc files, compiled with -mavx2 -mfma in their own target;
// `avx512`: the *_avx512.cc files, compiled with -mavx512f -mavx2 -mfma in
// theirs. On non-x64 targets binding.gyp adds both ISA lists to the baseline:
// their bodies are guarded by NODEGRAD_X64 and their accessors return null.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dirs = ['native', 'native/kernels', 'native/plan', 'native/binding'];
const kind = process.argv[2];
const isaOf = (f) => (f.endsWith('_avx2.cc') ? 'avx2' : f.endsWith('_avx512.cc') ? 'avx512' : 'baseline');
const out = [];
for (const d of dirs) {
  for (const f of fs.readdirSync(path.join(root, d)).sort()) {
    if (f.endsWith('.cc') && isaOf(f) === kind) out.push(`${d}/${f}`);
  }
}
process.stdout.write(out.join(' '));
