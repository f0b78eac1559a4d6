// The error an optimizer step throws when its update would make a parameter
// or an optimizer state element non-finite. Nothing was changed: every kernel
// call of the step first ran its read-only check pass (the kernels' guard),
// and the writing passes run only when every span is clean.

export class NonFiniteUpdateError extends RangeError {
  override name = 'NonFiniteUpdateError';
  constructor(
    message: string,
    /** Name of the parameter whose update overflowed. */
    readonly parameter: string,
    /** What would have become non-finite: 'value' (the parameter itself) or a state slot ('m', 'v'). */
    readonly what: readonly string[],
    /** Element index within the parameter. */
    readonly index: number,
  ) {
    super(message);
  }
}
