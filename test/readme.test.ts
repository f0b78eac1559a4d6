// Every code block of README.md and docs/*.md runs as it stands, as a user
// would paste it: a ```js block as an .mjs file that imports 'nodegrad' from
// an installed-looking package, a ```ts block after TypeScript's type
// stripping (transpileModule) the same way, and in a ```sh block each
// `npx nodegrad ...` line through the CLI (in a folder holding the CSV
// files the README names) and each `npm ...` line checked against
// package.json's scripts (running npm test inside npm test would recurse).
// ```html and ```python blocks are for a browser and for PyTorch: not run here.
// A ```js block whose first line is `// NAME.mjs` is a file for a command
// in a later ```sh block of the same page (`... node NAME.mjs`): it is written
// under that name before the page's blocks run, and run by that command.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iris } from './helpers/datasets.js';
import { buildJs, root } from './train/helpers.js';

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
}

export function codeBlocks(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ file, line: start + 1, lang: m[1]!, code: body.join('\n') + '\n' });
  }
  return out;
}

/** `train.mjs` for a block that starts with the line `// train.mjs`. */
function scriptName(b: Block): string | undefined {
  return /^\/\/ ([\w.-]+\.mjs)\n/.exec(b.code)?.[1];
}

const FILES = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const blocks = FILES.flatMap(codeBlocks);
const work = mkdtempSync(join(tmpdir(), 'nodegrad-readme-'));
let cli = '';
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

beforeAll(() => {
  const dist = buildJs('readme');
  cli = join(dist, 'cli.js');
  // An installed-looking package: node_modules/nodegrad with package.json and dist/ (the compiled lib).
  const pkg = join(work, 'node_modules', 'nodegrad');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(dist, join(pkg, 'dist'));
  // The files the examples name.
  const data = iris().csv;
  writeFileSync(join(work, 'iris.csv'), data);
  writeFileSync(join(work, 'new-flowers.csv'), data.split('\n').filter((_, i) => i === 0 || i % 25 === 1).join('\n') + '\n');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runNode(file: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [file], { cwd: work, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' }, timeout: 110_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('code blocks in the documentation run as they stand', () => {
  it('there are blocks to run, and none is in a language this test does not know', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const b of blocks) expect({ where: `${b.file}:${b.line}`, lang: b.lang }).toEqual({ where: `${b.file}:${b.line}`, lang: expect.stringMatching(/^(js|ts|sh|text|html|python)$/) });
  });

  for (const [n, b] of blocks.entries()) {
    // text: not code; html and python: code for a browser page and for PyTorch, other runtimes than this test's.
    if (b.lang === 'text' || b.lang === 'html' || b.lang === 'python') continue;
    it(`${b.file}:${b.line} (${b.lang})`, () => {
      if (b.lang === 'js' || b.lang === 'ts') {
        const named = scriptName(b);
        if (named && blocks.some((o) => o.file === b.file && o.lang === 'sh' && o.code.includes(named))) {
          writeFileSync(join(work, named), b.code); // run by the sh block that names it
          return;
        }
        const js = b.lang === 'ts' ? ts.transpileModule(b.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } }).outputText : b.code;
        // A package the example imports (onnxruntime-node, @tensorflow/tfjs) comes from this repository's devDependencies.
        for (const m of js.matchAll(/from '((?:@[\w-]+\/)?[\w.-]+)/g)) {
          const pkg = m[1]!;
          if (pkg === 'nodegrad' || pkg.startsWith('node:') || existsSync(join(work, 'node_modules', pkg))) continue;
          if (existsSync(join(root, 'node_modules', pkg))) {
            mkdirSync(dirname(join(work, 'node_modules', pkg)), { recursive: true });
            symlinkSync(join(root, 'node_modules', pkg), join(work, 'node_modules', pkg));
          }
        }
        const file = join(work, `block-${n}.mjs`);
        writeFileSync(file, js);
        const r = runNode(file);
        expect({ block: `${b.file}:${b.line}`, code: r.code, out: r.code === 0 ? '' : r.out }).toEqual({ block: `${b.file}:${b.line}`, code: 0, out: '' });
        return;
      }
      // sh: each command line (comments and blank lines aside).
      for (const raw of b.code.split('\n')) {
        const line = raw.replace(/\s+#.*$/, '').trim();
        if (line === '' || line.startsWith('#')) continue;
        for (const cmd of line.split('&&').map((s) => s.trim())) {
          const words = cmd.split(/\s+/);
          if (words[0] === 'npx' && words[1] === 'nodegrad') {
            const r = spawnSync(process.execPath, [cli, ...words.slice(2).map((w) => w.replace(/^"(.*)"$/, '$1'))], { cwd: work, encoding: 'utf8', timeout: 110_000 });
            expect({ cmd, code: r.status, err: r.status === 0 ? '' : r.stderr }).toEqual({ cmd, code: 0, err: '' });
          } else if (words[0] === 'npm') {
            // npm install, npm start, npm test, npm run NAME [-- args]: the script must exist.
            const name = words[1] === 'run' ? words[2]! : words[1]!;
            if (['install', 'i', 'ci'].includes(name)) continue;
            expect({ cmd, script: name in scripts }).toEqual({ cmd, script: true });
          } else {
            throw new Error(`${b.file}:${b.line}: this test does not know how to run \`${cmd}\` (add it, or use a \`\`\`text block for what is not a command to run)`);
          }
        }
      }
    });
  }
});
