// The one error class for a model file that cannot be read, parsed or
// matched to what it claims to hold. Whatever layer found the problem
// (safetensors container, torch layout, optimizer state, compile), load
// reports it as a ModelFileError whose message names the file and whose
// `cause` is the underlying error.

export class ModelFileError extends Error {
  override name = 'ModelFileError';
  /** The file the error is about. */
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    // A message that already names the file ("load: cannot read <file> ...") is kept as it is.
    super(message.includes(file) ? message : `${file}: ${message}`, options);
    this.file = file;
  }
}

/** `e` as a ModelFileError about `file` (kept as is when it already is one about that file). */
export function asModelFileError(file: string, e: unknown, what?: string): ModelFileError {
  if (e instanceof ModelFileError && e.file === file && what === undefined) return e;
  const msg = e instanceof Error ? e.message : String(e);
  // Strip the file name the lower layer already put first, so it is not said twice.
  const inner = msg.startsWith(`${file}: `) ? msg.slice(file.length + 2) : msg;
  return new ModelFileError(file, what === undefined ? inner : `${what}: ${inner}`, { cause: e });
}
