import type { Command } from 'commander';
import { registerDevCommand } from './dev';

/** Every command module exports a `register*` function; add new ones to this list. */
export function registerCommands(program: Command): void {
  registerDevCommand(program);
}
