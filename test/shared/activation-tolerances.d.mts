export declare const SUBNORMAL: number;
export declare const TOLERANCES: Readonly<
  Record<'gelu' | 'geluTanh' | 'silu' | 'geluBackward' | 'geluTanhBackward' | 'siluBackward', { scalar: number; simd: number; termsUlps?: number }>
>;
interface Erf {
  normalCdf(x: number): number;
  normalPdf(x: number): number;
}
export declare function backwardTerms(name: string, x: number, dy: number, erf: Erf): { sum: number; scale: number };
export declare function ulpAt(v: number): number;
export declare function backwardSlack(name: string, x: number, dy: number, erf: Erf): number;
export declare function forwardSlack(x: number): number;
export type UlpTolerance = { scalar: number; simd: number };
export interface EntryCheck {
  forward: UlpTolerance | 'shared';
  backward: UlpTolerance | 'shared' | 'eluBackward';
  alphas?: readonly number[];
  output?: readonly [number, number];
}
export declare const ENTRY_CHECKS: Readonly<Record<string, EntryCheck>>;
export declare function sharedKey(name: string, form: string | undefined, backward: boolean): string;
