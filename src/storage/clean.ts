// `claude-recover clean` and doctor's line about claude-recover's own files: temporary files
// left by killed runs, the backups' size against their budget, and files others can read.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { stateDir } from '../paths.js';
import { backupDir } from '../recovery/checkpoint.js';
import { backupUsage, enforceBackupBudget } from './backups.js';
import { formatBytes } from '../ui/bytes.js';
import { findLeftovers, removeLeftovers, type Leftover } from './leftovers.js';
import { isWider, narrow, PRIVATE_DIR, PRIVATE_FILE } from './private.js';

export interface CleanOptions {
  env: NodeJS.ProcessEnv;
  /** config backups.maxBytes. */
  maxBytes: number;
  /** Say what would be done, change nothing. */
  dryRun?: boolean;
}

/** The state files that hold conversation text or session facts: the log and the loop guard's record. */
const STATE_FILE = /^(events\.jsonl(\.\d+)?|recoveries\.json)$/;

/** Every file and folder of claude-recover's that should be private, with the mode it should have. */
async function privateTargets(env: NodeJS.ProcessEnv): Promise<Array<[string, number]>> {
  const state = stateDir(env);
  const targets: Array<[string, number]> = [
    [state, PRIVATE_DIR],
    [backupDir(state), PRIVATE_DIR],
  ];
  const names = await readdir(state).catch(() => [] as string[]);
  for (const name of names) if (STATE_FILE.test(name)) targets.push([path.join(state, name), PRIVATE_FILE]);
  const backups = await readdir(backupDir(state)).catch(() => [] as string[]);
  for (const name of backups) targets.push([path.join(backupDir(state), name), PRIVATE_FILE]);
  return targets;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const filesOrFolders = (n: number): string => `${n} ${n === 1 ? 'file or folder' : 'files or folders'}`;
const total = (items: readonly Leftover[]): number => items.reduce((sum, item) => sum + item.bytes, 0);

/** Removes leftovers, keeps the backups within budget, makes our files private; returns the lines to print. */
export async function clean(options: CleanOptions): Promise<string[]> {
  const { env, maxBytes, dryRun = false } = options;
  const lines: string[] = [];
  const found = await findLeftovers(env);
  const removed = dryRun ? found : await removeLeftovers(found);
  if (removed.length > 0) {
    lines.push(`${dryRun ? 'Would remove' : 'Removed'} ${plural(removed.length, 'temporary file')} left by killed runs (${formatBytes(total(removed))}):`);
    for (const item of removed) lines.push(`  ${item.path}${item.bytes > 0 ? ` (${formatBytes(item.bytes)})` : ''}`);
  }
  // Modes first, so that the count is the same with --dry-run as without.
  let narrowed = 0;
  for (const [target, mode] of await privateTargets(env)) {
    if (dryRun ? await isWider(target, mode) : await narrow(target, mode)) narrowed++;
  }
  const dir = backupDir(stateDir(env));
  const old = await enforceBackupBudget(dir, maxBytes, { dryRun });
  if (old.length > 0) {
    lines.push(`${dryRun ? 'Would remove' : 'Removed'} ${plural(old.length, 'old backup')} to stay within backups.maxBytes (${formatBytes(maxBytes)}):`);
    for (const file of old) lines.push(`  ${file}`);
  }
  if (narrowed > 0) lines.push(`${dryRun ? 'Would make' : 'Made'} ${filesOrFolders(narrowed)} private (others could read ${narrowed === 1 ? 'it' : 'them'}).`);
  if (lines.length === 0) lines.push('Nothing to clean.');
  const usage = await backupUsage(dir);
  lines.push(`Backups: ${plural(usage.files, 'file')}, ${formatBytes(usage.bytes)} of ${formatBytes(maxBytes)} (backups.maxBytes) in ${dir}`);
  return lines;
}

/** Doctor's one line about claude-recover's files; ok when `clean` would find nothing to do. */
export async function filesCheck(env: NodeJS.ProcessEnv, maxBytes: number): Promise<{ ok: boolean; detail: string; fix?: string }> {
  const dir = backupDir(stateDir(env));
  const usage = await backupUsage(dir);
  const leftovers = await findLeftovers(env);
  const over = await enforceBackupBudget(dir, maxBytes, { dryRun: true });
  let wide = 0;
  for (const [target, mode] of await privateTargets(env)) if (await isWider(target, mode)) wide++;
  const problems = [
    ...(leftovers.length > 0 ? [`${plural(leftovers.length, 'temporary file')} left by killed runs (${formatBytes(total(leftovers))})`] : []),
    ...(over.length > 0 ? [`${plural(over.length, 'old backup')} over the budget`] : []),
    ...(wide > 0 ? [`${filesOrFolders(wide)} others can read`] : []),
  ];
  const detail = `backups ${formatBytes(usage.bytes)} of ${formatBytes(maxBytes)} (${plural(usage.files, 'file')}) in ${dir}${problems.length > 0 ? `; ${problems.join(', ')}` : ''}`;
  return problems.length === 0 ? { ok: true, detail } : { ok: false, detail, fix: 'claude-recover clean' };
}
