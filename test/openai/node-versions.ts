import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface NodeBinary {
  major: number;
  path: string;
}

/**
 * Node 20 (the one running the tests) and the cached Node 22 and 24 of scripts/node-versions.sh
 * (make test installs them; here only what is cached is listed, nothing is fetched).
 */
export function nodeBinaries(): { found: NodeBinary[]; missing: number[] } {
  const found: NodeBinary[] = [{ major: Number(process.versions.node.split('.')[0]), path: process.execPath }];
  let listed: string;
  try {
    listed = execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'node-versions.sh'), '22', '24'], {
      env: { ...process.env, NODE_VERSIONS_OFFLINE: '1' }, stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
  } catch {
    listed = '';
  }
  for (const line of listed.trim().split('\n')) {
    const [major, path] = line.split(' ');
    if (path && !found.some((f) => f.major === Number(major))) found.push({ major: Number(major), path });
  }
  const missing = [22, 24].filter((m) => !found.some((f) => f.major === m));
  return { found, missing };
}
