// The README's table of native tfjs kernels is the list the backend
// registers (kernels/index.ts), with what each takes: regenerate it with
// `npm run build:ts && node scripts/tfjs-readme-kernels.mjs`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { nativeKernels } from '../../lib/tfjs/index.js';
import { root } from '../train/helpers.js';

describe('README "Use as a TensorFlow.js backend"', () => {
  it('lists exactly the native kernels, in order, with what each takes', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /<!-- tfjs-native-kernels -->\n([\s\S]*?)<!-- \/tfjs-native-kernels -->/.exec(readme)?.[1];
    expect(block, 'README.md has a <!-- tfjs-native-kernels --> block').toBeDefined();
    const rows = block!
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => {
        const m = /^\| `([^`]+)` \| (.*) \|$/.exec(l);
        return m ? { kernelName: m[1]!, takes: m[2]! } : { kernelName: l, takes: '' };
      });
    expect(rows, 'regenerate: npm run build:ts && node scripts/tfjs-readme-kernels.mjs').toEqual(nativeKernels());
    expect(rows.length).toBeGreaterThan(0);
  });
});
