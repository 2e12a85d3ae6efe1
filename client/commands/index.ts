import type { Command } from 'commander';
import { registerAbortCommand } from './abort';
import { registerApproveCommand } from './approve';
import { registerDemoCommand } from './demo';
import { registerDevCommand } from './dev';
import { registerHistoryCommand } from './history';
import { registerReleaseCommand } from './release';
import { registerRollbackCommand } from './rollback';
import { registerSetupCommand } from './setup';
import { registerShowCommand } from './show';
import { registerSimCommand } from './sim';
import { registerStatusCommand } from './status';
import { registerSyncCommand } from './sync';
import { registerWatchCommand } from './watch';

/** Every command module exports a `register*` function; add new ones to this list. */
export function registerCommands(program: Command): void {
  registerReleaseCommand(program);
  registerRollbackCommand(program);
  registerStatusCommand(program);
  registerWatchCommand(program);
  registerAbortCommand(program);
  registerApproveCommand(program);
  registerDemoCommand(program);
  registerDevCommand(program);
  registerSyncCommand(program);
  registerHistoryCommand(program);
  registerShowCommand(program);
  registerSetupCommand(program);
  registerSimCommand(program);
}
