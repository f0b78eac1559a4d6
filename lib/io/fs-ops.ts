// The file-system calls model saving and loading make, gathered in one
// object so the failure paths (a full disk, an unwritable directory) can be
// tested by replacing one call, without a real full disk.
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';

export const fsOps = { mkdir, open, readdir, readFile, rename, rm, unlink };
