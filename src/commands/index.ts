// Every subcommand's register function, in the order `--help` lists them. Add one line a
// command.
import type { Command } from 'commander';
import { register as run } from './run.js';
import { register as recover } from './recover.js';
import { register as pruneImages } from './prune-images.js';
import { register as log } from './log.js';
import { register as stats } from './stats.js';
import { register as config } from './config.js';
import { register as doctor } from './doctor.js';
import { register as clean } from './clean.js';
import { register as installAlias } from './install-alias.js';
import { register as demo } from './demo.js';

export const commands: Array<(program: Command) => void> = [
  run,
  recover,
  pruneImages,
  log,
  stats,
  config,
  doctor,
  clean,
  installAlias,
  demo,
];
