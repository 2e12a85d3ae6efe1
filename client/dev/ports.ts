/** Local port checks for the embedded stack: is a port free on loopback, or which free one to use. */
import net from 'node:net';
import { CliError, EXIT } from '../exit-codes';

/**
 * A `--port`-style flag's value as a port number; refuses anything else as bad input (exit 64),
 * naming the flag. `anyFree` also takes 0: "let the system pick a free port".
 */
export function parsePort(flag: string, value: string, options: { anyFree?: boolean } = {}): number {
  const min = options.anyFree ? 0 : 1;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < min || port > 65535) {
    throw new CliError(`${flag} must be a port number between ${min} and 65535, got "${value}"`, EXIT.INVALID_INPUT);
  }
  return port;
}

/** Binds `port` on 127.0.0.1 for a moment; the bound port, or undefined when it is taken. */
function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

export async function isPortFree(port: number): Promise<boolean> {
  return (await tryListen(port)) !== undefined;
}

/** The wanted port when it is free, else any free port (a `npm run dev` may already hold 7233). */
export async function portOrFree(wanted: number): Promise<number> {
  return (await tryListen(wanted)) ?? (await tryListen(0)) ?? wanted;
}
