// Runs the embedded mock server in its own process, so the server's work does not share the event
// loop (and the 2 cores' scheduling) of the client being measured. Prints one JSON line {"url"}.
// Lives until its stdin closes (the parent exits or closes it), so it is never left behind.
import { startMockServer, type StartMockServerOptions } from '../../src/mock';

async function main(): Promise<void> {
  const options = process.argv[2] ? (JSON.parse(process.argv[2]) as StartMockServerOptions) : {};
  const server = await startMockServer(options);
  process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
  const stop = async () => {
    try {
      await server.close();
    } finally {
      process.exit(0);
    }
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
}

main().catch((err: unknown) => {
  process.stderr.write(`mock-child: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
