#!/usr/bin/env node
// Writes the README's table of native tfjs kernels (between the
// `<!-- tfjs-native-kernels -->` markers) from nativeKernels() of the
// compiled dist/tfjs: `npm run build:ts && node scripts/tfjs-readme-kernels.mjs`.
// test/tfjs/readme-kernels.test.ts fails while the table and the list differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await import('@tensorflow/tfjs-backend-cpu');
const { nativeKernels } = await import(join(root, 'dist', 'tfjs', 'index.js'));

export function table(kernels) {
  return ['| tfjs kernel | taken natively (everything else: the cpu kernel) |', '|---|---|', ...kernels.map((k) => `| \`${k.kernelName}\` | ${k.takes} |`)].join('\n');
}

const readme = join(root, 'README.md');
const text = readFileSync(readme, 'utf8');
const re = /(<!-- tfjs-native-kernels -->\n)[\s\S]*?(<!-- \/tfjs-native-kernels -->)/;
if (!re.test(text)) throw new Error('README.md has no <!-- tfjs-native-kernels --> block');
writeFileSync(readme, text.replace(re, `$1${table(nativeKernels())}\n$2`));
console.log(`README.md: ${nativeKernels().length} native tfjs kernels`);
