// Where a report was measured: ratios travel, absolute times only mean something with this.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  arch: string;
  node: string;
  v8: string;
  litellmVersion: string | null;
  fastLitellmVersion: string | null;
  gitCommit: string | null;
  /** True when tracked files differ from the commit (the figures may not match it exactly). */
  gitDirty: boolean | null;
  loadAverage: number[];
}

function readVersion(file: string): string | null {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(root: string): MachineInfo {
  const cpus = os.cpus();
  const dirty = git(root, ['status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    node: process.version,
    v8: process.versions.v8,
    litellmVersion: readVersion(path.join(root, 'node_modules', 'litellm', 'package.json')),
    fastLitellmVersion: readVersion(path.join(root, 'package.json')),
    gitCommit: git(root, ['rev-parse', 'HEAD']),
    gitDirty: dirty === null ? null : dirty.length > 0,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
