// Specs of tfjs-core's own suite not run against a backend, each with its
// reason. Only specs that are specific to one backend or to tfjs's own test
// harness belong here: a semantic failure of a nodegrad kernel is fixed,
// never listed. Keys are substrings of jasmine's full spec name.
export const IGNORE = {
  nodegrad: {},
  cpu: {},
};

/** The reason a spec is ignored on `backend`, or undefined when it runs. */
export function ignoredBecause(backend, fullName) {
  for (const [pattern, reason] of Object.entries(IGNORE[backend])) if (fullName.includes(pattern)) return reason;
  return undefined;
}

// Specs tfjs itself runs only where the backend is named 'cpu' (their own
// constraint, not our ignore list): run.mjs checks that the nodegrad run ran
// every spec the cpu control ran except these, so no spec can silently drop
// out of the nodegrad run.
export const CPU_ONLY = {
  'Switching cpu backends <backend> {} ':
    "tfjs constrains them to backendName 'cpu' (two cpu backend instances); test/tfjs/safety.test.ts moves data between nodegrad and cpu",
};
