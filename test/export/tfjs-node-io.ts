// file:// for tfjs in Node without tfjs-node: the same files tfjs-node's
// NodeFileSystem handler reads and writes (model.json beside weights.bin for
// a save; any shards the manifest names for a load), built on tfjs-core's
// own getModelArtifactsForJSON so the manifest is interpreted by tfjs.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TF from '@tensorflow/tfjs';

export function fileLoadHandler(tf: typeof TF, dir: string): TF.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TF.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = manifest.flatMap((g) => g.paths.map((p) => {
          const b = readFileSync(join(dir, p));
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
        }));
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

let registered = false;
/** Makes model.save('file://DIR') work as with tfjs-node: DIR/model.json and DIR/weights.bin. */
export function registerFileSaveRouter(tf: typeof TF): void {
  if (registered) return;
  registered = true;
  // A router returns null for URLs it does not handle (tfjs's own routers do; the type omits it).
  tf.io.registerSaveRouter(((url: string | string[]) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== 'string' || !u.startsWith('file://')) return null;
    const dir = fileURLToPath(u);
    return {
      save: async (a: TF.io.ModelArtifacts) => {
        mkdirSync(dir, { recursive: true });
        const weightData = a.weightData as ArrayBuffer;
        writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
        const json = {
          modelTopology: a.modelTopology,
          format: a.format,
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        };
        writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };
      },
    };
  }) as unknown as Parameters<typeof tf.io.registerSaveRouter>[0]);
}
