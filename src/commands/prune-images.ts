// `claude-recover prune-images [--session <id>] [--dry-run]`: recovery's image step alone.
// Replaces the base64 images of a session's transcript with short placeholders, after a
// backup; with --dry-run, only says what it would remove.
import type { Command } from 'commander';
import { stateDir, tilde } from '../paths.js';
import type { PrunedRecord, PruneReport } from '../recovery/prune-images.js';
import { UserError } from '../errors.js';
import type { Column } from '../ui/table.js';

export interface PruneCommandOptions {
  /** The session id; default: the directory's newest transcript, as for `recover`. */
  session?: string;
  dryRun?: boolean;
  /** Every record and column, nothing shortened. */
  wide?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  out?: (text: string) => void;
}

const LISTED = 50;

/** The presentation modules, loaded when the command runs (every command's module is loaded for any command). */
async function presentation() {
  const [{ droppedNote, renderTable }, { formatBytes }, { labelled, labelledPath, terminalColumns }] = await Promise.all([
    import('../ui/table.js'),
    import('../ui/bytes.js'),
    import('../ui/width.js'),
  ]);
  return { droppedNote, renderTable, formatBytes, labelled, labelledPath, terminalColumns };
}

type Presentation = Awaited<ReturnType<typeof presentation>>;

/** What a prune removed (or would remove): a summary, then one record a line, fitted to `columns`. */
function formatPruneReport(ui: Presentation, report: PruneReport, dryRun: boolean, options: { columns: number; wide?: boolean; env: NodeJS.ProcessEnv }): string {
  const { droppedNote, renderTable, formatBytes, labelled } = ui;
  const { env, columns } = options;
  const file = tilde(report.file, env);
  // The transcript's path identifies it (shortened in the middle to fit); the backup's, which
  // someone may restore from, is printed whole (see pruneImagesCommand).
  const fit = (label: string, text: string): string => (options.wide ? label + text : labelled(label, text, columns, 'shorten'));
  if (report.images === 0) return fit('No base64 image blocks in ', `${file}.`);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    fit('Transcript: ', file),
    fit('', `${dryRun ? 'Would replace' : 'Replaced'} ${plural(report.images, 'image')} (${formatBytes(report.bytesRemoved)} of base64) in ${plural(report.records.length, 'record')}.`),
    fit('Size: ', `${formatBytes(report.oldSize)} → ${formatBytes(report.newSize)}`),
    '',
  ];
  const listed = options.wide ? report.records : report.records.slice(0, LISTED);
  const recordColumns: Array<Column<PrunedRecord>> = [
    { header: 'LINE', cell: (r) => String(r.line), align: 'right' },
    { header: 'TYPE', cell: (r) => r.type ?? '?', drop: 2 },
    { header: 'UUID', cell: (r) => r.uuid ?? '(none)', shorten: 'middle', minWidth: 13, drop: 3 },
    { header: 'IMAGES', cell: (r) => String(r.images), align: 'right' },
    { header: 'BASE64', cell: (r) => formatBytes(r.bytes), align: 'right', drop: 1 },
  ];
  const table = renderTable(recordColumns, listed, { width: columns, wide: options.wide });
  lines.push(table.text);
  const note = droppedNote(table.dropped, columns);
  if (note) lines.push(note);
  if (report.records.length > listed.length) lines.push(`… and ${report.records.length - listed.length} more records (--wide lists them all)`);
  return lines.join('\n');
}

/** Runs the command; throws UserError for what the user must fix. */
export async function pruneImagesCommand(options: PruneCommandOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const out = options.out ?? ((text: string) => void process.stdout.write(`${text}\n`));
  // Loaded when the command runs: the program loads every command's module for any command.
  const [ui, { loadConfig }, { checkpoint }, { pruneImages }, { locateSession }, { liveSessionPid }] = await Promise.all([
    presentation(),
    import('../config/load.js'),
    import('../recovery/checkpoint.js'),
    import('../recovery/prune-images.js'),
    import('../recovery/target.js'),
    import('../transcript/locate.js'),
  ]);
  const format = { columns: ui.terminalColumns(process.stdout, env), wide: options.wide, env };
  const { sessionId, file } = await locateSession(options.session, cwd, env);
  if (options.dryRun) {
    out(formatPruneReport(ui, await pruneImages(file, { dryRun: true }), true, format));
    return;
  }
  const pid = liveSessionPid(sessionId, env);
  if (pid !== null) {
    throw new UserError(`expected session ${sessionId} to be closed, got it open in claude (pid ${pid}); exit that claude first, then run this again`);
  }
  const scan = await pruneImages(file, { dryRun: true });
  if (scan.images === 0) {
    out(formatPruneReport(ui, scan, false, format));
    return;
  }
  const backup = await checkpoint({ transcriptPath: file, sessionId, stateDir: stateDir(env), maxBytes: loadConfig(env).config.backups.maxBytes });
  const report = await pruneImages(file);
  out(formatPruneReport(ui, report, false, format));
  out(ui.labelledPath('Backup of the original: ', tilde(backup.backupPath, env), format.columns));
}

export function register(program: Command): void {
  program
    .command('prune-images')
    .description("replace the base64 images in a session's transcript with short placeholders (after a backup)")
    .option('--session <id>', "the session id (default: this directory's newest transcript, as for recover)")
    .option('--dry-run', 'only list what would be removed')
    .option('--wide', 'list every record with every column, nothing shortened')
    .action(async (options: { session?: string; dryRun?: boolean; wide?: boolean }) => {
      await pruneImagesCommand({ session: options.session, dryRun: options.dryRun === true, wide: options.wide === true });
    });
}
