// `claude-recover config`: the effective configuration and where each value came from.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { getPath, loadConfig, SETTINGS } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { tilde } from '../paths.js';
import type { Column } from '../ui/table.js';

interface ConfigOptions {
  path?: boolean;
  json?: boolean;
  wide?: boolean;
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
    .option('--wide', 'every value in full, however wide the terminal')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ConfigOptions) => {
      const loaded = loadConfig(process.env);
      if (options.path) {
        process.stdout.write(`${loaded.path}\n`);
      } else if (options.json) {
        const exists = existsSync(loaded.path);
        process.stdout.write(`${JSON.stringify({ path: loaded.path, exists, config: loaded.config, sources: loaded.sources, warnings: loaded.warnings }, null, 2)}\n`);
      } else {
        // Loaded here, not with the module: every command's module is loaded for any command.
        const [{ warningLine }, { droppedNote, renderTable }, { labelled, terminalColumns }] = await Promise.all([
          import('../ui/message.js'),
          import('../ui/table.js'),
          import('../ui/width.js'),
        ]);
        const state = existsSync(loaded.path) ? '' : ' (not found: defaults apply)';
        const values = loaded.config as unknown as Record<string, unknown>;
        const width = terminalColumns(process.stdout, process.env);
        const columns: Array<Column<(typeof SETTINGS)[number]>> = [
          { header: 'KEY', cell: (s) => s.key },
          { header: 'VALUE', cell: (s) => JSON.stringify(getPath(values, s.key)) ?? '', shorten: 'end', minWidth: 12 },
          {
            header: 'FROM',
            cell: (s) => {
              const source = loaded.sources[s.key] ?? 'default';
              return source === 'env' ? `env ${s.env}` : source;
            },
            // An env variable's name is the point of this column: the value gives way first.
            shorten: 'end',
            minWidth: 40,
            drop: 1,
          },
        ];
        const table = renderTable(columns, SETTINGS, { width, wide: options.wide });
        const note = droppedNote(table.dropped, width);
        // The path whole is `config --path`; here it is shortened in the middle when it cannot fit.
        const header = options.wide ? `Config file: ${tilde(loaded.path, process.env)}${state}` : labelled('Config file: ', `${tilde(loaded.path, process.env)}${state}`, width, 'shorten');
        process.stdout.write(`${header}\n\n${table.text}\n${note ? `${note}\n` : ''}`);
        for (const warning of loaded.warnings) process.stderr.write(warningLine(warning));
      }
      process.exitCode = ExitCode.ok;
    });
}
