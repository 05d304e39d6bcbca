// `claude-recover config`: the effective configuration and where each value came from.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { getPath, loadConfig, SETTINGS } from '../config/load.js';
import { ExitCode } from '../errors.js';

interface ConfigOptions {
  path?: boolean;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ claude-recover config                  every setting, its value and where it came from
  $ claude-recover config --path           just the config file's path
  $ $EDITOR "$(claude-recover config --path)"
  $ CLAUDE_RECOVER_RESUME_MODEL=opus claude-recover config

config.json holds any of the keys below (nested: {"compaction": {"models": [...]}}); an
invalid value is reported and replaced by its default, never fatal. Each key can be
overridden by an environment variable:
${SETTINGS.map((s) => `  ${s.env.padEnd(38)}${s.key}`).join('\n')}
Lists in the environment are comma-separated (extraPatterns: one pattern, or a JSON
array); booleans are 1/0, true/false, yes/no or on/off.`;

export function register(program: Command): void {
  program
    .command('config')
    .description('show the effective configuration and where each value came from')
    .option('--path', "print only the config file's path")
    .option('--json', 'print the configuration, the sources and any warnings as JSON')
    .addHelpText('after', EXAMPLES)
    .action((options: ConfigOptions) => {
      const loaded = loadConfig(process.env);
      if (options.path) {
        process.stdout.write(`${loaded.path}\n`);
      } else if (options.json) {
        const exists = existsSync(loaded.path);
        process.stdout.write(`${JSON.stringify({ path: loaded.path, exists, config: loaded.config, sources: loaded.sources, warnings: loaded.warnings }, null, 2)}\n`);
      } else {
        const state = existsSync(loaded.path) ? '' : ' (not found: defaults apply)';
        const values = loaded.config as unknown as Record<string, unknown>;
        const rows = SETTINGS.map((s) => {
          const source = loaded.sources[s.key] ?? 'default';
          return [s.key, JSON.stringify(getPath(values, s.key)) ?? '', source === 'env' ? `env ${s.env}` : source];
        });
        const widths = [0, 1].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), i === 0 ? 3 : 5));
        const line = (r: string[]): string => `${(r[0] ?? '').padEnd(widths[0] ?? 0)}  ${(r[1] ?? '').padEnd(widths[1] ?? 0)}  ${r[2] ?? ''}`;
        process.stdout.write(`Config file: ${loaded.path}${state}\n\n${[line(['KEY', 'VALUE', 'FROM']), ...rows.map(line)].join('\n')}\n`);
        for (const warning of loaded.warnings) process.stderr.write(`claude-recover: warning: ${warning}\n`);
      }
      process.exitCode = ExitCode.ok;
    });
}
