// The compact form of a vocabulary, written at build time (`node dist/cjs/accelerators/tokens/build-tables.js`,
// run by `make build`) into dist/cjs/accelerators/tokens/tables/<encoding>.bin, so a process's first
// count reads ~0.3-1.4 MB instead of parsing gpt-tokenizer's rank list (29 ms for cl100k, 54 ms for
// o200k). Layout, little-endian: "FLTK", u32 version, u32 ranks, u32 byte count, then one u8 length
// per rank, then the token bytes in rank order. Nothing generated is committed under src/.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TABLE_FILE_VERSION = 1;
const MAGIC = 0x4b544c46; // "FLTK"
const HEADER = 16;

export interface TableData {
  lengths: Uint8Array;
  bytes: Uint8Array;
}

export function encodeTableFile({ lengths, bytes }: TableData): Buffer {
  const out = Buffer.alloc(HEADER + lengths.length + bytes.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(TABLE_FILE_VERSION, 4);
  out.writeUInt32LE(lengths.length, 8);
  out.writeUInt32LE(bytes.length, 12);
  out.set(lengths, HEADER);
  out.set(bytes, HEADER + lengths.length);
  return out;
}

/** The table in `file`, or undefined when it is not one of ours (other version, truncated). */
export function decodeTableFile(file: Uint8Array): TableData | undefined {
  if (file.length < HEADER) return undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== TABLE_FILE_VERSION) return undefined;
  const ranks = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  if (file.length !== HEADER + ranks + count) return undefined;
  return { lengths: file.subarray(HEADER, HEADER + ranks), bytes: file.subarray(HEADER + ranks) };
}

/** Where the build puts the tables, looked up from dist (next to this file) or from src (in dist). */
export function tableDirs(): string[] {
  return [path.join(__dirname, 'tables'), path.resolve(__dirname, '../../../dist/cjs/accelerators/tokens/tables')];
}

export function readTableFile(name: string, dirs: readonly string[] = tableDirs()): TableData | undefined {
  for (const dir of dirs) {
    const file = path.join(dir, `${name}.bin`);
    if (!existsSync(file)) continue;
    try {
      const data = decodeTableFile(readFileSync(file));
      if (data !== undefined) return data;
    } catch {
      // unreadable: fall through to the next place, then to the rank list
    }
  }
  return undefined;
}

/** Writes atomically (a reader never sees half a file). */
export function writeTableFile(dir: string, name: string, data: TableData): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.bin`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, encodeTableFile(data));
  renameSync(tmp, file);
  return file;
}
