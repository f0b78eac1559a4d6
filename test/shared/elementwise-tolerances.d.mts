export declare const ULP: Readonly<Record<'exp' | 'log' | 'softplus', { scalar: number; simd: number }>>;
export declare function ulpBound(name: string, path: 'reference' | 'scalar' | 'simd'): number;
