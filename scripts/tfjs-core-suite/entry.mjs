// The bundle's entry: jasmine and the test environment first (setup.mjs),
// then the backends, then tfjs-core's 265 spec files (dist/tests.js), then
// the run. One bundle, so tfjs-core, tfjs-backend-cpu, nodegrad/tfjs and the
// specs share one copy of tfjs-core (run.mjs bundles with mainFields module
// first for that reason).
import { backendName, ignoredBecause, runner } from './setup.mjs';
// What tfjs-core's own test setup loads besides the specs: the gradients
// and the chained ops (tensor.add(...)) are side-effect modules that the
// package's index does not import.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import '@tensorflow/tfjs-backend-cpu';
// Registered in both runs: the cpu control then also shows that importing
// nodegrad/tfjs leaves the cpu backend's behaviour intact.
import '../../lib/tfjs/index.ts';
import '@tensorflow/tfjs-core/dist/tests.js';
import { writeFileSync } from 'node:fs';

const counts = { backend: backendName, passed: 0, failed: 0, ignored: 0, skipped: 0, failures: [], ignoredSpecs: [], ran: [] };
const ignoredSeen = new Set();
const env = runner.env;
env.configure({
  random: false,
  specFilter(spec) {
    const name = spec.getFullName();
    const reason = ignoredBecause(backendName, name);
    if (reason === undefined) return true;
    if (!ignoredSeen.has(name)) {
      ignoredSeen.add(name);
      counts.ignored++;
      counts.ignoredSpecs.push({ spec: name, reason });
      counts.ran.push(name.replaceAll(` ${backendName} {}`, ' <backend> {}')); // accounted for, with its reason
    }
    return false;
  },
});
runner.clearReporters();
runner.addReporter({
  specDone(r) {
    // Names without the backend's own name, so two runs can be compared.
    if (r.status === 'passed' || r.status === 'failed') counts.ran.push(r.fullName.replaceAll(` ${backendName} {}`, ' <backend> {}'));
    if (r.status === 'passed') counts.passed++;
    else if (r.status === 'failed') {
      counts.failed++;
      const messages = r.failedExpectations.slice(0, 3).map((e) => e.message.slice(0, 400));
      counts.failures.push({ spec: r.fullName, messages });
      console.log(`FAILED: ${r.fullName}\n  ${messages.join('\n  ')}`);
    } else counts.skipped++; // excluded by tfjs's own constraints (browser-only, webgl flags) or pending
  },
  suiteDone(r) {
    // afterAll errors belong to no spec; count them so they cannot hide.
    if (r.status === 'failed') {
      counts.failed++;
      const messages = r.failedExpectations.slice(0, 3).map((e) => e.message.slice(0, 400));
      counts.failures.push({ spec: `(suite) ${r.fullName}`, messages });
      console.log(`FAILED (suite): ${r.fullName}\n  ${messages.join('\n  ')}`);
    }
  },
});
process.on('unhandledRejection', (e) => {
  throw e;
});
const done = await runner.execute();
if (done.overallStatus === 'failed' && counts.failed === 0) {
  // A failure outside any spec (a load error, an afterAll at top level).
  counts.failed++;
  counts.failures.push({ spec: '(run)', messages: (done.failedExpectations ?? []).map((e) => e.message.slice(0, 400)) });
}
console.log(`tfjs-core suite on '${backendName}': ${counts.passed} passed, ${counts.failed} failed, ${counts.ignored} ignored, ${counts.skipped} skipped`);
if (process.env.TFJS_SUITE_RESULT) writeFileSync(process.env.TFJS_SUITE_RESULT, JSON.stringify(counts, null, 2));
process.exitCode = counts.failed === 0 ? 0 : 1;
