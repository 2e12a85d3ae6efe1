/** `host:port` (or `[v6]:port`) listen addresses of the worker's HTTP endpoints, checked at start. */
export function splitHostPort(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`not a host:port listen address: ${JSON.stringify(address)} (e.g. 127.0.0.1:9464 or 0.0.0.0:8081)`);
  return { host: match[1] ?? match[2]!, port };
}
