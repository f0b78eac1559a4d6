// A numeric CSV reader for the CLI's --data: every column a number, the last
// one the integer class label, an optional header line.

export interface LabelledData {
  /** Row-major features, rows × features. */
  x: Float32Array;
  /** Class ids, one per row. */
  labels: Int32Array;
  rows: number;
  features: number;
  classes: number;
}

export class DataError extends Error {
  override name = 'DataError';
}

/** Parses CSV text; `source` names the file in errors, which name the line. */
export function parseCsv(text: string, source = 'csv'): LabelledData {
  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  const labels: number[] = [];
  let columns = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    const nums = cells.map((c) => (c === '' ? NaN : Number(c)));
    const bad = nums.findIndex((v) => !Number.isFinite(v));
    const first = columns < 0;
    if (first) columns = cells.length;
    // The first non-empty line is a header when any of its cells is not a number.
    if (first && bad >= 0) continue;
    if (cells.length !== columns) throw new DataError(`${source}:${i + 1}: expected ${columns} columns, got ${cells.length}`);
    if (columns < 2) throw new DataError(`${source}:${i + 1}: need at least one feature column and a label column`);
    if (bad >= 0) throw new DataError(`${source}:${i + 1}: column ${bad + 1} is not a finite number: ${JSON.stringify(cells[bad])}`);
    const label = nums[columns - 1]!;
    if (!Number.isInteger(label) || label < 0 || label > 65535) {
      throw new DataError(`${source}:${i + 1}: the label (last column) must be an integer class id in [0, 65535], got ${cells[columns - 1]}`);
    }
    for (let j = 0; j < columns - 1; j++) values.push(nums[j]!);
    labels.push(label);
  }
  if (labels.length === 0) throw new DataError(`${source}: no data rows`);
  const classes = labels.reduce((a, b) => Math.max(a, b), 0) + 1;
  if (classes < 2) throw new DataError(`${source}: the label column has a single class; need at least 2`);
  return { x: Float32Array.from(values), labels: Int32Array.from(labels), rows: labels.length, features: columns - 1, classes };
}
