// What scripts/test.mjs needs to decide before it runs anything: the
// environment of its child runs (no colour unless stdout is a terminal) and
// which of the native self-test's tools are missing.
import { spawnSync } from 'node:child_process';

/** The environment for a child test run: colour only when `isTTY`; `undefined` values remove a variable. */
export function childEnv(isTTY, extra = {}, base = process.env) {
  const e = { ...base, ...(isTTY ? {} : { NO_COLOR: '1', FORCE_COLOR: undefined }), ...extra };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

/** The tools of `tools` that do not run from `env`'s PATH. */
export function missingTools(tools, env = process.env) {
  return tools.filter((t) => {
    const r = spawnSync(t, ['--version'], { stdio: 'ignore', env });
    return r.error !== undefined || r.status !== 0;
  });
}

/** The one-line reason printed when the native self-test cannot run. */
export function missingToolsMessage(missing) {
  return `native selftest: not run: ${missing.join(' and ')} not found on the PATH; install them (Debian/Ubuntu: apt-get install cmake ninja-build; macOS: brew install cmake ninja) or skip this suite with NODEGRAD_TEST_SKIP_NATIVE_SELFTEST=1`;
}
