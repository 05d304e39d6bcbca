// `claude-recover clean [--dry-run]`: removes what killed runs left behind, keeps the backups
// within backups.maxBytes and makes claude-recover's files private. The work is in src/storage.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('clean')
    .description("remove temporary files of killed runs, keep backups within backups.maxBytes, make claude-recover's files private")
    .option('--dry-run', 'only say what would be done')
    .action(async (options: { dryRun?: boolean }) => {
      const [{ loadConfig }, { clean }] = await Promise.all([import('../config/load.js'), import('../storage/clean.js')]);
      const { config } = loadConfig(process.env);
      const lines = await clean({ env: process.env, maxBytes: config.backups.maxBytes, dryRun: options.dryRun === true });
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
