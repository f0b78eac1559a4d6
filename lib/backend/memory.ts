// Memory addresses for the overlap checks of every kernel family (issue
// 13.8). Views over two different SharedArrayBuffer objects can share memory
// (structuredClone / postMessage of a SharedArrayBuffer gives a new object
// over the same bytes); the native addon reports each view's address, and
// lib/errors.ts's checkNoOverlap compares addresses for such pairs, for the
// reference backend as well as the native one, so both refuse the same cases.
// Without the addon there is no way to tell from JavaScript without writing
// into the memory (a probe write would race with other threads using it), so
// the check then falls back to buffer identity: a documented limitation of
// running without the addon.
import { setMemoryAddressResolver } from '../errors.js';
import { tryLoadNative } from './native.js';

type WithAddress = { memoryAddress?: (view: ArrayBufferView) => number };

setMemoryAddressResolver((view) => {
  const addon = tryLoadNative() as unknown as WithAddress | undefined;
  return typeof addon?.memoryAddress === 'function' ? addon.memoryAddress(view) : undefined;
});
