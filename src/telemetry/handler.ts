import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { invalidArgument, outOfRange } from '../errors';
import { metricsRegistry } from './core';
import type { PromRegistry } from './prom-client';

// The Prometheus scrape endpoint: a request handler for an app's own http.createServer, and a tiny
// server of its own for apps without one (loopback by default, unref'd: it never keeps a process up).

export interface MetricsHandlerOptions {
  /** The registry to expose; default: the one the metrics are in (configureMetrics, else prom-client's). */
  registry?: PromRegistry;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** `http.createServer(createMetricsHandler())`: GET (or HEAD) answers with the text exposition format. */
export function createMetricsHandler(options: MetricsHandlerOptions = {}): Handler {
  if (options === null || typeof options !== 'object') {
    invalidArgument('createMetricsHandler: options', options, 'an object with registry?');
  }
  const given = options.registry;
  if (given !== undefined && typeof (given as { metrics?: unknown }).metrics !== 'function') {
    invalidArgument('createMetricsHandler: registry', given, 'a prom-client Registry');
  }
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const registry = given ?? metricsRegistry();
    if (registry === undefined) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('prom-client is not installed: npm i prom-client\n');
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('metrics collection failed\n');
      },
    );
  };
}

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A loopback metrics server (127.0.0.1 unless `host` says otherwise); port 0 picks a free one. */
export function startMetricsServer(options: { port: number; host?: string; registry?: PromRegistry }):
  Promise<MetricsServer> {
  const port = options?.port;
  if (typeof port !== 'number' || !Number.isInteger(port)) invalidArgument('startMetricsServer: port', port, 'an integer');
  if (port < 0 || port > 65535) outOfRange('startMetricsServer: port', port, 'an integer from 0 to 65535');
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer(createMetricsHandler({ registry: options.registry }));
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.unref();
      const a = server.address() as AddressInfo;
      const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        url: `http://${shown}:${a.port}/metrics`,
        port: a.port,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}
