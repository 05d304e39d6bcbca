// Every subcommand's register function, in the order `--help` lists them. Add one line a
// command.
import type { Command } from 'commander';
import { register as run } from './run.js';

export const commands: Array<(program: Command) => void> = [
  run,
];
