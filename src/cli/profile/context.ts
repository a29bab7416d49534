// What a profiling command runs with: options, the client, the stop signal (Ctrl-C), output.
import { connect } from 'node:net';
import type { Client, ClientConfig } from './clients';
import type { ProfileOpts } from './options';

export interface IO {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
  /** Registers the Ctrl-C handler; returns its remover. */
  onInterrupt(fn: () => void): () => void;
}

export function processIO(): IO {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
    onInterrupt(fn) {
      let count = 0;
      const handler = () => {
        // A second Ctrl-C leaves at once.
        if (++count > 1) process.exit(130);
        fn();
      };
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/** What a run reads; `O`: the options of the command at hand (LatencyOpts, ...), defaults set. */
export interface Context<O extends ProfileOpts = ProfileOpts> {
  opts: O;
  url: string;
  cfg: ClientConfig;
  accelerated: boolean;
  json: boolean;
  io: IO;
  /** The target is the embedded mock with no latency or pacing: its times are the client's own cost. */
  zeroLatencyMock: boolean;
  run: RunPlan;
}

/** What runRequests needs of the run: the client, Ctrl-C, and the requests to send. */
export interface RunPlan {
  client: Client;
  cfg: ClientConfig;
  stop: AbortSignal;
  runStart: number;
  models: string[];
  count: number;
  concurrency: number;
}

export class GatewayUnreachable extends Error {
  readonly code = 'FAST_LITELLM_GATEWAY_UNREACHABLE';
}

/** One TCP connect before the run, so a gateway that is not there gives one clear line, not N failures. */
export async function preflight(url: string, timeoutMs = 3000): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new GatewayUnreachable(`invalid --url ${url}`);
  }
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const health = `${u.origin}/health`;
  await new Promise<void>((resolve, reject) => {
    const sock = connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new GatewayUnreachable(`no answer from ${url} within ${timeoutMs} ms; check it with: curl ${health}`));
    }, timeoutMs);
    timer.unref();
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve();
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const what = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host not found' : (err.code ?? 'cannot connect');
      reject(new GatewayUnreachable(
        `${what} at ${url}; is the gateway running? Check it with: curl ${health} (or use --url, or --mock for the embedded mock server)`,
      ));
    });
  });
}
