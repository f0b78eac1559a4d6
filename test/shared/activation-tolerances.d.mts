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
