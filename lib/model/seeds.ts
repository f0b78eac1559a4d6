// Independent random streams derived from one model seed: the initialisers
// draw from Rng(seed) (unchanged, so saved seeds keep their weights), and
// layer i gets its own Rng(streamSeed(seed, i)) for what it draws while
// training (Dropout's masks), so adding a random layer does not shift the
// initial weights of the others.

/** A 32-bit seed for stream `stream` of `seed` (murmur3's finaliser over both). */
export function streamSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((stream + 1) >>> 0, 0x85ebca77)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
