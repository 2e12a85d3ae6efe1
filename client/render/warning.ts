/** A warning for the person at the terminal: one paragraph on stderr, wrapped to its width. */
import { styleFor, terminalWidth, wrapToWidth } from './text';

export function printWarning(message: string, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`${wrapToWidth(`${styleFor(stream).yellow('warning')}: ${message}`, terminalWidth(stream))}\n`);
}
