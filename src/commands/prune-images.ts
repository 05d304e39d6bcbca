// `claude-recover prune-images --session <id> [--dry-run]`: recovery's image step alone.
// Replaces the base64 images of a session's transcript with short placeholders, after a
// backup; with --dry-run, only says what it would remove.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ExitCode, UserError } from '../errors.js';
import { stateDir } from '../paths.js';
import { checkpoint } from '../recovery/checkpoint.js';
import { pruneImages, type PruneReport } from '../recovery/prune-images.js';
import { findTypedTranscript, liveSessionPid, projectDir } from '../transcript/locate.js';

export interface PruneCommandOptions {
  session: string;
  dryRun?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  out?: (text: string) => void;
}

const LISTED = 50;

function size(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** What a prune removed (or would remove), one record a line. */
export function formatPruneReport(report: PruneReport, dryRun: boolean): string {
  if (report.images === 0) return `No base64 image blocks in ${report.file}.`;
  const verb = dryRun ? 'Would replace' : 'Replaced';
  const lines = [
    `${verb} ${report.images} image${report.images === 1 ? '' : 's'} (${size(report.bytesRemoved)} of base64) in ${report.records.length} record${report.records.length === 1 ? '' : 's'} of ${report.file}`,
    `  size: ${size(report.oldSize)} → ${size(report.newSize)}`,
  ];
  for (const record of report.records.slice(0, LISTED)) {
    lines.push(`  line ${record.line}  ${record.type ?? '?'}  ${record.uuid ?? '(no uuid)'}  ${record.images} image${record.images === 1 ? '' : 's'}, ${size(record.bytes)}`);
  }
  if (report.records.length > LISTED) lines.push(`  … and ${report.records.length - LISTED} more records`);
  return lines.join('\n');
}

/** Runs the command; throws UserError for what the user must fix. */
export async function pruneImagesCommand(options: PruneCommandOptions): Promise<void> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const out = options.out ?? ((text: string) => void process.stdout.write(`${text}\n`));
  const file = findTypedTranscript(cwd, options.session, env);
  if (!file) {
    throw new UserError(
      `expected a transcript for session ${options.session} (${projectDir(cwd, env)}/${options.session}.jsonl or another project directory), got none; check the id with \`ls ${projectDir(cwd, env)}\``,
      { exitCode: ExitCode.notFound },
    );
  }
  if (options.dryRun) {
    out(formatPruneReport(await pruneImages(file, { dryRun: true }), true));
    return;
  }
  const pid = liveSessionPid(options.session, env);
  if (pid !== null) {
    throw new UserError(`expected session ${options.session} to be closed, got it open in claude (pid ${pid}); exit that claude first, then run this again`);
  }
  const scan = await pruneImages(file, { dryRun: true });
  if (scan.images === 0) {
    out(formatPruneReport(scan, false));
    return;
  }
  const backup = await checkpoint({ transcriptPath: file, sessionId: options.session, stateDir: stateDir(env), maxBytes: loadConfig(env).config.backups.maxBytes });
  const report = await pruneImages(file);
  out(formatPruneReport(report, false));
  out(`  backup of the original: ${backup.backupPath}`);
}

export function register(program: Command): void {
  program
    .command('prune-images')
    .description("replace the base64 images in a session's transcript with short placeholders (after a backup)")
    .requiredOption('--session <id>', 'the session id (the transcript file name without .jsonl)')
    .option('--dry-run', 'only list what would be removed')
    .action(async (options: { session: string; dryRun?: boolean }) => {
      await pruneImagesCommand({ session: options.session, dryRun: options.dryRun === true });
    });
}
