import type { Command } from 'commander';

/** Every command module exports a `register*` function; add new ones to this list. */
export function registerCommands(program: Command): void {
  void program;
}
