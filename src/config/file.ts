import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError, show } from '../errors';

// Reads the config file named by FAST_LITELLM_CONFIG. Only a regular file under MAX_FILE_BYTES is read:
// a FIFO would block startup until a writer comes, /dev/zero would fill the heap. The file is opened
// non-blocking (a FIFO's open() returns at once) and checked on the open descriptor, so a path swapped
// between a check and the read cannot slip through.

export const MAX_FILE_BYTES = 1 << 20;

const WHERE = 'FAST_LITELLM_CONFIG';

export type FileFormat = 'json' | 'yaml';

export function formatOf(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  return ext === '.yaml' || ext === '.yml' ? 'yaml' : 'json';
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooBig(path: string, size: string): ConfigError {
  const accepted = `a file of at most ${MAX_FILE_BYTES} bytes`;
  return new ConfigError(`${WHERE}: file ${path} has ${size} bytes; accepted: ${accepted}`);
}

function readCapped(path: string): string {
  let fd: number;
  try {
    // O_NONBLOCK is undefined on Windows, where FIFOs of this kind do not exist.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${WHERE}: cannot read file ${path} (${code}); accepted: a readable JSON or YAML file`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new ConfigError(`${WHERE}: ${path} is ${kindOf(st)}; accepted: a regular JSON or YAML file`);
    }
    if (st.size > MAX_FILE_BYTES) throw tooBig(path, String(st.size));
    // Read to the cap + 1 whatever the size said: files such as /proc's report 0 and still have content.
    let buf = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1, st.size + 4096));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > MAX_FILE_BYTES) {
        throw tooBig(path, `more than ${MAX_FILE_BYTES}`);
      }
    }
    return buf.toString('utf8', 0, n).replace(/^\uFEFF/, '');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${WHERE}: cannot read file ${path} (${code}); accepted: a readable JSON or YAML file`);
  } finally {
    closeSync(fd);
  }
}

function parseYaml(textIn: string, path: string): unknown {
  // Loaded only for a YAML file, so a JSON config or none costs nothing at startup.
  const yaml = require('yaml') as typeof import('yaml');
  try {
    // maxAliasCount bounds alias expansion ("billion laughs"); logLevel keeps yaml's warnings off stderr.
    return yaml.parse(textIn, { maxAliasCount: 100, logLevel: 'error', uniqueKeys: true });
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0];
    const message = `${WHERE}: file ${path} is not valid YAML (${first}); accepted: a YAML mapping`;
    throw new ConfigError(message, { cause: err });
  }
}

/** The file's top-level object, or a ConfigError naming the file. `path` is already resolved. */
export function readConfigFile(path: string): { data: Record<string, unknown>; format: FileFormat } {
  const textIn = readCapped(path);
  const format = formatOf(path);
  let data: unknown;
  if (format === 'yaml') {
    data = parseYaml(textIn, path);
  } else {
    try {
      data = JSON.parse(textIn);
    } catch (err) {
      const why = (err as Error).message;
      throw new ConfigError(`${WHERE}: file ${path} is not valid JSON (${why}); accepted: a JSON object`);
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const what = format === 'yaml' ? 'a YAML mapping' : 'a JSON object';
    throw new ConfigError(`${WHERE}: file ${path} must hold ${what}, got ${show(data)}`);
  }
  return { data: data as Record<string, unknown>, format };
}
