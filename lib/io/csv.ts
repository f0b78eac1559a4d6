// The CSV reader behind the CLI's --data, exported as readCsv: numeric
// feature columns and one label column (any text: the distinct labels found
// are mapped to classes 0..k-1), an optional header line. Every problem is
// a DataError naming the source, the line and the column.
import { typeError } from '../errors.js';

/** What the MNIST loader and readCsv both give: features and class ids. */
export interface LabelledData {
  /** Row-major features, rows × features. */
  x: Float32Array;
  /** Class ids 0..classes-1, one per row. */
  labels: Int32Array;
  rows: number;
  features: number;
  classes: number;
}

export interface CsvOptions {
  /** Names the file in error messages (default 'csv'). */
  source?: string;
  /**
   * The label column: 'last' (the default), a 0-based index, a header name,
   * or null for a file of features only (what predict reads).
   */
  labelColumn?: 'last' | number | string | null;
  /** Whether the first non-empty line is a header: 'auto' (the default) says yes when any feature cell of it is not a number. */
  header?: boolean | 'auto';
  /**
   * A fixed label → class mapping (classLabels[k] is class k's label), e.g. a
   * saved model's; a label outside it is an error. Without it the distinct
   * labels found are sorted (numerically when all are numbers) and numbered.
   */
  classLabels?: readonly string[];
  /**
   * The feature columns to read, by header name and in this order (a saved
   * model's feature names); needs a header. Without it every column but the
   * label column is a feature, in file order.
   */
  featureNames?: readonly string[];
}

export interface CsvData {
  x: Float32Array;
  rows: number;
  features: number;
  /** Class ids per row (0..classes-1); null when labelColumn is null. */
  labels: Int32Array | null;
  /** classLabels[k]: the text of class k's label in the file (or in options.classLabels). */
  classLabels: string[];
  classes: number;
  /** The header's names of the feature columns, or null without a header. */
  featureNames: string[] | null;
  /** The header's name of the label column, or null. */
  labelName: string | null;
}

export class DataError extends Error {
  override name = 'DataError';
}

function cellsOf(line: string): string[] {
  // No quoting with embedded commas; surrounding double quotes are removed ("sepal.length").
  return line.split(',').map((c) => {
    const t = c.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
  });
}

const num = (c: string): number => (c === '' ? NaN : Number(c));

/** Sorted distinct labels: numerically when every label is a number, else by code unit. */
export function sortLabels(labels: Iterable<string>): string[] {
  const distinct = [...new Set(labels)];
  if (distinct.every((l) => Number.isFinite(num(l)))) return distinct.sort((a, b) => num(a) - num(b) || (a < b ? -1 : a > b ? 1 : 0));
  return distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads CSV text (see CsvOptions); throws DataError with source:line where the problem is. */
export function readCsv(text: string, options: CsvOptions = {}): CsvData {
  if (typeof text !== 'string') throw typeError('readCsv', 'text', 'a string', text);
  const source = options.source ?? 'csv';
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  let columns = -1;
  let labelAt = -1;
  let featureAt: number[] = [];
  const values: number[] = [];
  const rawLabels: string[] = [];
  const where: number[] = [];
  const want = options.labelColumn === undefined ? 'last' : options.labelColumn;

  const resolve = (n: number, names: string[] | null, line: number): void => {
    columns = n;
    if (want === null) labelAt = -1;
    else if (want === 'last') labelAt = n - 1;
    else if (typeof want === 'number') {
      if (!Number.isInteger(want) || want < 0 || want >= n) throw new DataError(`${source}:${line}: labelColumn ${want} is outside the ${n} columns`);
      labelAt = want;
    } else {
      if (!names) throw new DataError(`${source}:${line}: labelColumn ${JSON.stringify(want)} names a column, but the file has no header`);
      labelAt = names.indexOf(want);
      if (labelAt < 0) throw new DataError(`${source}:${line}: no column named ${JSON.stringify(want)} (columns: ${names.join(', ')})`);
    }
    if (options.featureNames) {
      if (!names) {
        // Without a header the first columns (the label column aside) are the features; later ones are ignored.
        featureAt = [...Array(n).keys()].filter((j) => j !== labelAt).slice(0, options.featureNames.length);
        if (featureAt.length !== options.featureNames.length) {
          throw new DataError(`${source}:${line}: expected ${options.featureNames.length} feature columns (${options.featureNames.join(', ')})${labelAt >= 0 ? ' and a label column' : ''}, got ${n} columns and no header`);
        }
      } else {
        featureAt = options.featureNames.map((f) => {
          const j = names.indexOf(f);
          if (j < 0) throw new DataError(`${source}:${line}: the header has no column ${JSON.stringify(f)} (the model's features: ${options.featureNames!.join(', ')})`);
          return j;
        });
      }
    } else {
      featureAt = [...Array(n).keys()].filter((j) => j !== labelAt);
    }
    if (featureAt.length === 0) throw new DataError(`${source}:${line}: need at least one feature column${labelAt >= 0 ? ' besides the label column' : ''}`);
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = cellsOf(line);
    if (columns < 0) {
      const guessLabel = want === 'last' ? cells.length - 1 : typeof want === 'number' ? want : -1;
      const isHeader =
        options.header === true || (options.header !== false && ((typeof want === 'string' && want !== 'last') || cells.some((c, j) => j !== guessLabel && !Number.isFinite(num(c)))));
      if (isHeader) {
        header = cells;
        resolve(cells.length, cells, i + 1);
        continue;
      }
      resolve(cells.length, null, i + 1);
    }
    if (cells.length !== columns) throw new DataError(`${source}:${i + 1}: expected ${columns} columns, got ${cells.length}`);
    for (const j of featureAt) {
      const v = num(cells[j]!);
      if (!Number.isFinite(v)) {
        throw new DataError(`${source}:${i + 1}: column ${j + 1}${header ? ` (${header[j]})` : ''} is not a finite number: ${JSON.stringify(cells[j])}`);
      }
      values.push(v);
    }
    if (labelAt >= 0) {
      const l = cells[labelAt]!;
      if (l === '') throw new DataError(`${source}:${i + 1}: the label (column ${labelAt + 1}) is empty`);
      rawLabels.push(l);
    }
    where.push(i + 1);
  }
  const rows = where.length;
  if (rows === 0) throw new DataError(`${source}: no data rows`);
  let classLabels: string[] = [];
  let labels: Int32Array | null = null;
  if (labelAt >= 0) {
    classLabels = options.classLabels ? [...options.classLabels] : sortLabels(rawLabels);
    const index = new Map<string, number>();
    classLabels.forEach((l, k) => index.set(l, k));
    // Numeric labels match numerically ("1.0" is label "1") when the mapping is numeric.
    const numeric = classLabels.every((l) => Number.isFinite(num(l)));
    const byValue = new Map<number, number>();
    if (numeric) classLabels.forEach((l, k) => byValue.set(num(l), k));
    labels = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const l = rawLabels[r]!;
      const k = index.get(l) ?? (numeric ? byValue.get(num(l)) : undefined);
      if (k === undefined) {
        throw new DataError(`${source}:${where[r]}: label ${JSON.stringify(l)} is not one of the model's ${classLabels.length} classes (${classLabels.join(', ')})`);
      }
      labels[r] = k;
    }
    if (!options.classLabels && classLabels.length < 2) throw new DataError(`${source}: the label column has a single class (${classLabels[0]}); need at least 2`);
  }
  return {
    x: Float32Array.from(values),
    rows,
    features: featureAt.length,
    labels,
    classLabels,
    classes: classLabels.length,
    featureNames: header ? featureAt.map((j) => header![j]!) : null,
    labelName: header && labelAt >= 0 ? header[labelAt]! : null,
  };
}

/**
 * The old entry point, kept for callers: the last column is the label.
 * Labels are mapped to classes as readCsv does (sorted distinct values).
 */
export function parseCsv(text: string, source = 'csv'): LabelledData & CsvData & { labels: Int32Array } {
  const d = readCsv(text, { source });
  return d as CsvData & { labels: Int32Array };
}
