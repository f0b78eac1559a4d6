// Writes a checkpoint so that a reader sees one whole save or the previous
// one, never a mix. Every save gets an id; its data files carry the id in
// their names (so two saves never write the same file) and inside (checked
// by load); they are written, fsynced, and only then is the manifest
// (model.json) renamed into place: that one rename is the commit. Files of
// older saves that the committed manifest no longer names are removed
// afterwards. Saves to one directory from one process run one after another
// in call order, so the later call always wins.
import { resolve, join } from 'node:path';
import { fsOps } from './fs-ops.js';
import { ModelFileError } from './model-file-error.js';

export interface FileToWrite {
  name: string;
  data: string | Uint8Array;
}

let sequence = 0;

/** A new save id: sorts after every earlier id of this process (time, then a counter). */
export function newSaveId(): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const seq = (sequence++).toString(36).padStart(6, '0');
  return `${time}-${seq}-${process.pid.toString(36)}`;
}

/** Ids are [0-9a-z-]; a file of a save is `<stem>-<id>.<ext>`. */
export const SAVE_ID = /^[0-9a-z]{9}-[0-9a-z]{6,}-[0-9a-z]+$/;

/** The save id in a data file name of ours, else undefined. */
export function idOfFile(name: string, stems: readonly { stem: string; ext: string }[]): string | undefined {
  for (const { stem, ext } of stems) {
    if (name.startsWith(`${stem}-`) && name.endsWith(ext)) {
      const id = name.slice(stem.length + 1, name.length - ext.length);
      if (SAVE_ID.test(id)) return id;
    }
  }
  return undefined;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task queued for the same directory. */
export function serialised<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const key = resolve(dir);
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  // Forget the directory once nothing more is queued behind this task.
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  // 'wx': a file of this name must not exist (ids are unique), and a
  // symlink planted under the name is not followed.
  const fh = await fsOps.open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable on Linux; some platforms cannot open a directory (then the rename is all we can do).
  try {
    const fh = await fsOps.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

export interface Commit {
  dir: string;
  id: string;
  /** Data files, written first. */
  files: readonly FileToWrite[];
  /** The manifest's name and content, renamed into place last. */
  manifest: FileToWrite;
  /** The data files of every save (for removing those of older ones). */
  stems: readonly { stem: string; ext: string }[];
  /** Names the manifest now in place refers to (re-read after the commit), so they are never removed. */
  referenced(): Promise<ReadonlySet<string>>;
}

/**
 * Writes the files of one save and commits them. On any failure every file
 * this save created is removed, the previous checkpoint is untouched, and a
 * ModelFileError names the path that failed.
 */
export async function commit(c: Commit): Promise<void> {
  const created: string[] = [];
  const failed = (path: string, e: unknown): ModelFileError =>
    new ModelFileError(path, `save: cannot write ${path} (${codeOf(e)}); the previous checkpoint in ${c.dir} is unchanged`, { cause: e });
  try {
    await fsOps.mkdir(c.dir, { recursive: true });
  } catch (e) {
    throw failed(c.dir, e);
  }
  const tmp = join(c.dir, `${c.manifest.name}.tmp-${c.id}`);
  let target = '';
  try {
    for (const f of c.files) {
      target = join(c.dir, f.name);
      created.push(target);
      await writeSynced(target, f.data);
    }
    target = tmp;
    created.push(tmp);
    await writeSynced(tmp, c.manifest.data);
    target = join(c.dir, c.manifest.name);
    await fsOps.rename(tmp, target);
  } catch (e) {
    await Promise.all(created.map((p) => fsOps.rm(p, { force: true }).catch(() => undefined)));
    throw failed(target, e);
  }
  await syncDir(c.dir);
  await removeOlder(c);
}

/** Removes data files and leftover temporaries of saves older than this one that the manifest in place does not name. */
async function removeOlder(c: Commit): Promise<void> {
  try {
    const keep = await c.referenced();
    const names = await fsOps.readdir(c.dir);
    const tmpPrefix = `${c.manifest.name}.tmp-`;
    const stale = names.filter((n) => {
      if (keep.has(n)) return false;
      const id = n.startsWith(tmpPrefix) ? n.slice(tmpPrefix.length) : idOfFile(n, c.stems);
      return id !== undefined && SAVE_ID.test(id) && id < c.id;
    });
    await Promise.all(stale.map((n) => fsOps.rm(join(c.dir, n), { force: true }).catch(() => undefined)));
  } catch {
    // The checkpoint is committed; failing to tidy older files is not a failed save.
  }
}
