// `nodegrad export`: a model saved by nodegrad (or a TF.js Layers model)
// written as a TF.js Layers model or an ONNX file.
import { ModelFileError } from '../io/model-files.js';
import { ONNX_OPSET } from '../io/onnx.js';
import { Sequential } from '../model/sequential.js';
import { choiceFlag, parse, UsageError } from './args.js';

export const EXPORT_HELP = `Usage: nodegrad export --model DIR --format tfjs|onnx --out PATH [--softmax]

Writes a model saved by nodegrad (its model.json and weights), or a
TF.js Layers model, in another format. Architecture and weights only: the
optimizer state stays in nodegrad's own format.

Options:
  --model DIR       the saved model's directory
  --format NAME     tfjs: PATH is a directory that receives model.json and
                    group1-shard*.bin (tf.loadLayersModel reads them);
                    onnx: PATH is the .onnx file (opset ${ONNX_OPSET}, dynamic batch size)
  --out PATH        where to write
  --softmax         append a softmax: the export outputs probabilities
                    instead of logits
  --help            this text
`;

export async function exportCommand(args: string[], out: (s: string) => void): Promise<void> {
  const { values } = parse(args, {
    model: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    softmax: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    out(EXPORT_HELP);
    return;
  }
  if (typeof values.model !== 'string' || values.model === '') throw new UsageError('export: --model DIR is required');
  if (values.format === undefined) throw new UsageError('export: --format tfjs|onnx is required');
  const format = choiceFlag('format', values.format, 'tfjs', ['tfjs', 'onnx'] as const);
  if (typeof values.out !== 'string' || values.out === '') throw new UsageError('export: --out PATH is required');
  let model: Sequential;
  try {
    model = await Sequential.load(values.model);
  } catch (e) {
    // A missing or broken model is a problem with the command's input: exit code 2.
    if (e instanceof ModelFileError) throw new UsageError(e.message);
    throw e;
  }
  try {
    await model.save(values.out, { format, softmax: values.softmax === true });
  } catch (e) {
    // A model the format cannot hold (e.g. an ELU alpha tfjs lacks) is also the input's problem.
    if (e instanceof ModelFileError) throw new UsageError(e.message);
    throw e;
  }
  out(`exported ${model.layers.length} layers (${model.values.length} parameters) to ${values.out} as ${format === 'tfjs' ? 'a TF.js Layers model' : `ONNX (opset ${ONNX_OPSET})`}`);
}
