// `nodegrad predict` and `nodegrad evaluate`: a saved model on raw CSV rows.
// The model's Standardize layer (when it was trained with --data) knows the
// feature names, the standardisation and the labels, so the file is read
// by column name when it has a header, and classes print as their labels.
import { readFileSync } from 'node:fs';
import { Standardize } from '../data/standardize.js';
import { softmax, argmax } from '../data/classes.js';
import { readCsv, type CsvData } from '../io/csv.js';
import { Sequential } from '../model/sequential.js';
import { Tensor } from '../tensor.js';
import { choiceFlag, parse, UsageError } from './args.js';
import { applyBackendFlags } from './train.js';

export const PREDICT_HELP = `Usage: nodegrad predict --model DIR --data FILE.csv [options]

Prints each row's class and class probabilities from a model saved by
\`nodegrad train --save DIR\` (or model.save). With a header line, columns
are found by the names the model was trained on (others, such as the
label, are ignored); without one, the first columns are the features.

Options:
  --model DIR        the saved model
  --data FILE.csv    rows to classify
  --format NAME      csv|jsonl (default csv): csv prints a header, then
                     row,class,<one probability column per class>; jsonl
                     prints {"row":1,"class":...,"probabilities":{...}}
  --backend NAME     native|reference|auto (default auto)
  --threads N        GEMM threads
  --help             this text
`;

export const EVALUATE_HELP = `Usage: nodegrad evaluate --model DIR --data FILE.csv [options]

Prints the loss and accuracy of a saved model on labelled CSV rows: the
last column is the label, as in training; with a header, the feature
columns are found by the names the model was trained on.

Options:
  --model DIR        the saved model
  --data FILE.csv    labelled rows
  --format NAME      text|json (default text)
  --backend NAME     native|reference|auto (default auto)
  --threads N        GEMM threads
  --help             this text
`;

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string' },
  format: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function loadFor(values: Record<string, string | boolean | undefined>): Promise<{ model: Sequential; text: string; file: string }> {
  if (typeof values.model !== 'string' || values.model === '') throw new UsageError('--model DIR is required (a directory written by nodegrad train --save)');
  if (typeof values.data !== 'string' || values.data === '') throw new UsageError('--data FILE.csv is required');
  applyBackendFlags(values);
  let text: string;
  try {
    text = readFileSync(values.data, 'utf8');
  } catch (e) {
    throw new UsageError(`--data ${values.data}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let model: Sequential;
  try {
    model = await Sequential.load(values.model);
  } catch (e) {
    throw new UsageError(`--model ${values.model}: ${(e as Error).message}`);
  }
  return { model, text, file: values.data };
}

function schemaOf(model: Sequential): { featureNames?: readonly string[]; classLabels?: readonly string[] } {
  const first = model.layers[0];
  return first instanceof Standardize ? { ...(first.featureNames ? { featureNames: first.featureNames } : {}), ...(first.classLabels ? { classLabels: first.classLabels } : {}) } : {};
}

function checkFeatures(model: Sequential, d: CsvData, file: string): void {
  if (d.features !== model.inputFeatures) {
    throw new UsageError(`--data ${file}: the model takes ${model.inputFeatures} features, the file has ${d.features} feature columns`);
  }
}

export async function predictCommand(args: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(args, OPTIONS);
  if (values.help) return out(PREDICT_HELP);
  const format = choiceFlag('format', values.format, 'csv', ['csv', 'jsonl'] as const);
  const { model, text, file } = await loadFor(values);
  const schema = schemaOf(model);
  const names = schema.featureNames;
  // With the model's feature names, a header selects the columns; without a header the first columns are read.
  const d = readCsv(text, { source: file, labelColumn: null, ...(names ? { featureNames: names } : { header: 'auto' }) });
  if (!names && d.features > model.inputFeatures) {
    // No names to go by: the first inputFeatures columns are the features (a trailing label column is ignored).
    const x = new Float32Array(d.rows * model.inputFeatures);
    for (let r = 0; r < d.rows; r++) x.set(d.x.subarray(r * d.features, r * d.features + model.inputFeatures), r * model.inputFeatures);
    Object.assign(d, { x, features: model.inputFeatures });
  }
  checkFeatures(model, d, file);
  const logits = model.predict(new Tensor(d.x, [d.rows, d.features]));
  const proba = softmax(logits);
  const classes = argmax(logits);
  const k = proba.shape[1]!;
  const labels = schema.classLabels && schema.classLabels.length === k ? schema.classLabels : Array.from({ length: k }, (_, i) => String(i));
  const lines: string[] = [];
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  if (format === 'csv') lines.push(['row', 'class', ...labels.map((l) => q(`p_${l}`))].join(','));
  for (let r = 0; r < d.rows; r++) {
    const p = Array.from(proba.data.subarray(r * k, (r + 1) * k), (v) => Number(v.toPrecision(6)));
    const c = classes[r]! < 0 ? 'NaN' : labels[classes[r]!]!;
    if (format === 'csv') lines.push([String(r + 1), q(c), ...p.map(String)].join(','));
    else lines.push(JSON.stringify({ row: r + 1, class: c, probabilities: Object.fromEntries(labels.map((l, j) => [l, p[j]])) }));
    if (lines.length >= 4096) out(lines.splice(0).join('\n'));
  }
  if (lines.length) out(lines.join('\n'));
}

export async function evaluateCommand(args: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(args, OPTIONS);
  if (values.help) return out(EVALUATE_HELP);
  const format = choiceFlag('format', values.format, 'text', ['text', 'json'] as const);
  const { model, text, file } = await loadFor(values);
  const schema = schemaOf(model);
  const d = readCsv(text, {
    source: file,
    ...(schema.featureNames ? { featureNames: schema.featureNames } : {}),
    ...(schema.classLabels ? { classLabels: schema.classLabels } : {}),
  });
  checkFeatures(model, d, file);
  if (!schema.classLabels && d.labels!.some((l) => l >= model.outputFeatures)) {
    // No saved mapping: the labels must be class ids the model has.
    const bad = d.classLabels.find((l) => !(Number(l) >= 0 && Number(l) < model.outputFeatures && Number.isInteger(Number(l))));
    if (bad !== undefined) throw new UsageError(`--data ${file}: label ${JSON.stringify(bad)} is not a class id in [0, ${model.outputFeatures})`);
  }
  // Without a saved mapping, the text of a label is its class id.
  const ids = schema.classLabels ? d.labels! : Int32Array.from(d.labels!, (l) => Number(d.classLabels[l]));
  if (!model.optimizer) model.compile({ optimizer: 'sgd', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  const logs = model.evaluate(new Tensor(d.x, [d.rows, d.features]), new Tensor(Float32Array.from(ids), [d.rows]));
  const acc = logs.accuracy ?? fallbackAccuracy(model, d.x, d.rows, ids);
  if (format === 'json') out(JSON.stringify({ rows: d.rows, loss: logs.loss, accuracy: acc }));
  else out(`${d.rows} rows: loss ${logs.loss!.toFixed(4)}, accuracy ${(100 * acc).toFixed(2)}%`);
}

function fallbackAccuracy(model: Sequential, x: Float32Array, rows: number, ids: Int32Array): number {
  const c = argmax(model.predict(new Tensor(x, [rows, model.inputFeatures])));
  let hits = 0;
  for (let i = 0; i < rows; i++) if (c[i] === ids[i]) hits++;
  return hits / rows;
}
