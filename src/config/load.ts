// Loads the effective Config: defaults, then config.json, then CLAUDE_RECOVER_* env
// overrides, validating every key. It runs at every `claude` start, so it reads one file
// synchronously, imports nothing heavy and never throws: a bad value falls back and
// becomes a warning line (fail open).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeError } from '../errors.js';
import { configDir } from '../paths.js';
import { DEFAULT_CONFIG, type Config } from './types.js';

export type ConfigSource = 'default' | 'file' | 'env';

export interface LoadedConfig {
  config: Config;
  /** One line each, ready to print after `claude-recover: `. */
  warnings: string[];
  /** Where each key's value came from, by dotted key (`compaction.models`). */
  sources: Record<string, ConfigSource>;
  /** The config file that was (or would be) read. */
  path: string;
}

type Kind =
  | { kind: 'string'; allowEmpty: boolean }
  | { kind: 'list'; nonEmpty: boolean; regex: boolean }
  | { kind: 'int'; min: number }
  | { kind: 'ratio' }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] };

/** One configurable leaf: its dotted key in config.json and its env override. */
export interface Setting {
  key: string;
  env: string;
  type: Kind;
}

const text = (allowEmpty: boolean): Kind => ({ kind: 'string', allowEmpty });
const int = (min: number): Kind => ({ kind: 'int', min });
const bool: Kind = { kind: 'boolean' };
const ratio: Kind = { kind: 'ratio' };

/** Every key of Config, in the order `claude-recover config` prints them. */
export const SETTINGS: readonly Setting[] = [
  { key: 'claudePath', env: 'CLAUDE_RECOVER_CLAUDE', type: text(true) },
  { key: 'compaction.models', env: 'CLAUDE_RECOVER_COMPACTION_MODELS', type: { kind: 'list', nonEmpty: true, regex: false } },
  { key: 'compaction.timeoutMs', env: 'CLAUDE_RECOVER_COMPACTION_TIMEOUT_MS', type: int(1) },
  { key: 'resume.model', env: 'CLAUDE_RECOVER_RESUME_MODEL', type: text(false) },
  { key: 'detection.extraPatterns', env: 'CLAUDE_RECOVER_EXTRA_PATTERNS', type: { kind: 'list', nonEmpty: false, regex: true } },
  { key: 'detection.confirmTimeoutMs', env: 'CLAUDE_RECOVER_CONFIRM_TIMEOUT_MS', type: int(0) },
  { key: 'cases.standardWindow', env: 'CLAUDE_RECOVER_STANDARD_WINDOW', type: int(1) },
  { key: 'cases.caseAMinTokens', env: 'CLAUDE_RECOVER_CASE_A_MIN_TOKENS', type: int(0) },
  { key: 'loopGuard.maxRecoveries', env: 'CLAUDE_RECOVER_MAX_RECOVERIES', type: int(0) },
  { key: 'loopGuard.windowMinutes', env: 'CLAUDE_RECOVER_LOOP_WINDOW_MINUTES', type: int(1) },
  { key: 'promptRestore', env: 'CLAUDE_RECOVER_PROMPT_RESTORE', type: { kind: 'enum', values: ['off', 'prefill', 'submit'] } },
  { key: 'allowClear', env: 'CLAUDE_RECOVER_ALLOW_CLEAR', type: bool },
  { key: 'detectOnly', env: 'CLAUDE_RECOVER_DETECT_ONLY', type: bool },
  { key: 'log.maxBytes', env: 'CLAUDE_RECOVER_LOG_MAX_BYTES', type: int(1024) },
  { key: 'log.keep', env: 'CLAUDE_RECOVER_LOG_KEEP', type: int(0) },
  { key: 'backups.maxBytes', env: 'CLAUDE_RECOVER_BACKUPS_MAX_BYTES', type: int(0) },
  { key: 'usageLimit.wait', env: 'CLAUDE_RECOVER_USAGE_LIMIT_WAIT', type: bool },
  { key: 'usageLimit.marginSeconds', env: 'CLAUDE_RECOVER_USAGE_LIMIT_MARGIN_SECONDS', type: int(0) },
  { key: 'usageLimit.maxWaitMinutes', env: 'CLAUDE_RECOVER_USAGE_LIMIT_MAX_WAIT_MINUTES', type: int(1) },
  { key: 'usageLimit.title', env: 'CLAUDE_RECOVER_USAGE_LIMIT_TITLE', type: bool },
  { key: 'usageLimit.bell', env: 'CLAUDE_RECOVER_USAGE_LIMIT_BELL', type: bool },
  { key: 'guard.enabled', env: 'CLAUDE_RECOVER_GUARD', type: bool },
  { key: 'guard.titleRatio', env: 'CLAUDE_RECOVER_GUARD_TITLE_RATIO', type: ratio },
  { key: 'guard.nearMissRatio', env: 'CLAUDE_RECOVER_GUARD_NEAR_MISS_RATIO', type: ratio },
  { key: 'guard.title', env: 'CLAUDE_RECOVER_GUARD_TITLE', type: bool },
  { key: 'guard.bell', env: 'CLAUDE_RECOVER_GUARD_BELL', type: bool },
  { key: 'guard.autoCompact', env: 'CLAUDE_RECOVER_GUARD_AUTO_COMPACT', type: bool },
  { key: 'guard.idleMs', env: 'CLAUDE_RECOVER_GUARD_IDLE_MS', type: int(0) },
];

/** The path of config.json. */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'config.json');
}

/** Reads and validates the configuration; never throws. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file = configFile(env);
  const config = structuredClone(DEFAULT_CONFIG);
  const target = config as unknown as Record<string, unknown>;
  const warnings: string[] = [];
  const sources: Record<string, ConfigSource> = {};
  for (const setting of SETTINGS) sources[setting.key] = 'default';
  try {
    applyFile(file, target, sources, warnings);
    applyEnv(env, target, sources, warnings);
    checkCases(config, sources, warnings);
  } catch (error) {
    // Not expected; the loader's promise is that claude still starts.
    return { config: structuredClone(DEFAULT_CONFIG), warnings: [`could not load the configuration (${String(error)}); using the defaults`], sources: defaultSources(), path: file };
  }
  return { config, warnings, sources, path: file };
}

/** All warnings as one line for the launcher (null when there are none). */
export function warningSummary(warnings: readonly string[]): string | null {
  if (warnings.length === 0) return null;
  if (warnings.length === 1) return warnings[0] ?? null;
  return `${warnings[0] ?? ''} (and ${warnings.length - 1} more config problem${warnings.length > 2 ? 's' : ''}: run \`claude-recover config\`)`;
}

function defaultSources(): Record<string, ConfigSource> {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, 'default' as ConfigSource]));
}

function applyFile(file: string, target: Record<string, unknown>, sources: Record<string, ConfigSource>, warnings: string[]): void {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrno(error) && error.code === 'ENOENT') return;
    warnings.push(`cannot read ${file} (${describeError(error)}); using the defaults`);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch (error) {
    warnings.push(`${file} is not valid JSON (${describeError(error)}); using the defaults`);
    return;
  }
  if (!isPlainObject(parsed)) {
    warnings.push(`${file}: expected a JSON object, got ${render(parsed)}; using the defaults`);
    return;
  }
  const where = path.basename(file);
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '$schema') continue;
    const setting = SETTINGS.find((s) => s.key === key);
    if (setting) {
      applyFileValue(where, setting, value, target, sources, warnings);
      continue;
    }
    const children = SETTINGS.filter((s) => s.key.startsWith(`${key}.`));
    if (children.length === 0) {
      warnings.push(`${where}: unknown key "${key}" (ignored)${suggest(key)}`);
      continue;
    }
    if (!isPlainObject(value)) {
      const names = children.map((s) => s.key.slice(key.length + 1)).join(', ');
      warnings.push(`${where}: ${key}: expected an object with ${names}, got ${render(value)}; using the defaults`);
      continue;
    }
    for (const [subKey, subValue] of Object.entries(value)) {
      const full = `${key}.${subKey}`;
      const child = children.find((s) => s.key === full);
      if (child) applyFileValue(where, child, subValue, target, sources, warnings);
      else warnings.push(`${where}: unknown key "${full}" (ignored)${suggest(full)}`);
    }
  }
}

function applyFileValue(
  where: string,
  setting: Setting,
  value: unknown,
  target: Record<string, unknown>,
  sources: Record<string, ConfigSource>,
  warnings: string[],
): void {
  const problem = validate(value, setting.type);
  if (problem) {
    warnings.push(`${where}: ${setting.key}: expected ${problem}, got ${render(value)}; using the default ${render(getPath(target, setting.key))}`);
    return;
  }
  setPath(target, setting.key, value);
  sources[setting.key] = 'file';
}

function applyEnv(env: NodeJS.ProcessEnv, target: Record<string, unknown>, sources: Record<string, ConfigSource>, warnings: string[]): void {
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') continue;
    const value = fromEnv(raw, setting.type);
    const problem = validate(value, setting.type);
    if (problem) {
      warnings.push(`${setting.env}: expected ${envExpectation(setting.type, problem)}, got ${render(raw)}; ignored (${setting.key} stays ${render(getPath(target, setting.key))})`);
      continue;
    }
    setPath(target, setting.key, value);
    sources[setting.key] = 'env';
  }
}

/** caseAMinTokens above the window would make every block case A; fall back as a pair. */
function checkCases(config: Config, sources: Record<string, ConfigSource>, warnings: string[]): void {
  const { standardWindow, caseAMinTokens } = config.cases;
  if (caseAMinTokens <= standardWindow) return;
  warnings.push(
    `cases.caseAMinTokens (${caseAMinTokens}) must not exceed cases.standardWindow (${standardWindow}); using the defaults ${DEFAULT_CONFIG.cases.caseAMinTokens} and ${DEFAULT_CONFIG.cases.standardWindow}`,
  );
  config.cases = { ...DEFAULT_CONFIG.cases };
  sources['cases.standardWindow'] = 'default';
  sources['cases.caseAMinTokens'] = 'default';
}

/** What was expected, or null when the value fits. */
function validate(value: unknown, type: Kind): string | null {
  switch (type.kind) {
    case 'string':
      if (typeof value !== 'string') return type.allowEmpty ? 'a string' : 'a non-empty string';
      if (!type.allowEmpty && value.trim() === '') return 'a non-empty string';
      return null;
    case 'list': {
      const what = type.regex ? 'a list of regular expressions (strings)' : type.nonEmpty ? 'a non-empty list of model names (strings)' : 'a list of strings';
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) return what;
      if (type.nonEmpty && value.length === 0) return what;
      if (type.regex) {
        for (const source of value as string[]) {
          try {
            new RegExp(source, 'i');
          } catch (error) {
            return `valid regular expressions (${render(source)}: ${describeError(error)})`;
          }
        }
      }
      return null;
    }
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= type.min ? null : `a whole number ≥ ${type.min}`;
    case 'ratio':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1 ? null : 'a number above 0 and at most 1';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'true or false';
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? null : `one of ${type.values.map((v) => `"${v}"`).join(', ')}`;
  }
}

/** Env text to the value config.json would hold; unparseable text stays a string so validate() names it. */
function fromEnv(raw: string, type: Kind): unknown {
  const trimmed = raw.trim();
  switch (type.kind) {
    case 'string':
    case 'enum':
      return trimmed;
    case 'list':
      if (type.regex) {
        // Patterns may contain commas ({1,3}), so a list is a JSON array; anything else is one pattern.
        if (!trimmed.startsWith('[')) return [raw];
        try {
          return JSON.parse(trimmed) as unknown;
        } catch {
          return raw;
        }
      }
      return trimmed.split(',').map((item) => item.trim()).filter((item) => item !== '');
    case 'int':
      return /^\d[\d_]*$/.test(trimmed) ? Number(trimmed.replace(/_/g, '')) : raw;
    case 'ratio':
      return /^(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : raw;
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      return raw;
    }
  }
}

function envExpectation(type: Kind, problem: string): string {
  if (type.kind === 'boolean') return '1/0, true/false, yes/no or on/off';
  if (type.kind === 'list' && type.regex) return `one regular expression or a JSON array of them${problem.startsWith('valid') ? ` (${problem})` : ''}`;
  if (type.kind === 'list') return 'a comma-separated list of model names';
  return problem;
}

function suggest(key: string): string {
  let best: string | null = null;
  let bestDistance = 4;
  for (const setting of SETTINGS) {
    const distance = editDistance(key.toLowerCase(), setting.key.toLowerCase());
    if (distance < bestDistance) {
      best = setting.key;
      bestDistance = distance;
    }
  }
  return best ? `; did you mean "${best}"?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A value as it would appear in JSON, cut short. */
function render(value: unknown): string {
  let out: string;
  if (value === undefined) out = 'nothing';
  else out = JSON.stringify(value) ?? String(value);
  return out.length > 80 ? `${out.slice(0, 77)}...` : out;
}

/** Reads a dotted key from a nested object. */
export function getPath(object: Record<string, unknown>, key: string): unknown {
  let node: unknown = object;
  for (const part of key.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function setPath(object: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  const last = parts.pop();
  if (last === undefined) return;
  let node = object;
  for (const part of parts) {
    const next = node[part];
    if (!isPlainObject(next)) return;
    node = next;
  }
  node[last] = Array.isArray(value) ? [...(value as unknown[])] : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
