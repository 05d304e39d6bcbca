import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFile, loadConfig, SETTINGS, warningSummary } from '../../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';

let root: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cr-config-'));
  env = { HOME: root, XDG_CONFIG_HOME: path.join(root, 'config') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeConfig(content: string): void {
  mkdirSync(path.dirname(configFile(env)), { recursive: true });
  writeFileSync(configFile(env), content);
}

function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
}

describe('loadConfig', () => {
  it('has a setting with an env override for every key of Config', () => {
    expect(SETTINGS.map((s) => s.key).sort()).toEqual(leaves(DEFAULT_CONFIG).sort());
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
    for (const s of SETTINGS) expect(s.env).toMatch(/^CLAUDE_RECOVER_[A-Z_]+$/);
  });

  it('returns the defaults, all from default, without a file', () => {
    const loaded = loadConfig(env);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.config).not.toBe(DEFAULT_CONFIG);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.path).toBe(path.join(root, 'config', 'claude-recover', 'config.json'));
    expect(new Set(Object.values(loaded.sources))).toEqual(new Set(['default']));
  });

  it('takes valid values from the file and marks them file', () => {
    writeConfig(JSON.stringify({ resume: { model: 'sonnet' }, allowClear: true, compaction: { models: ['haiku'] }, $schema: 'x' }));
    const loaded = loadConfig(env);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.resume.model).toBe('sonnet');
    expect(loaded.config.allowClear).toBe(true);
    expect(loaded.config.compaction).toEqual({ models: ['haiku'], timeoutMs: DEFAULT_CONFIG.compaction.timeoutMs });
    expect(loaded.sources['resume.model']).toBe('file');
    expect(loaded.sources['compaction.timeoutMs']).toBe('default');
    expect(DEFAULT_CONFIG.compaction.models).toEqual(['claude-haiku-4-5-20251001', 'opus']);
  });

  it('names the key, the value and what is expected for an invalid value, and keeps the default', () => {
    writeConfig(JSON.stringify({ log: { keep: 'three', maxBytes: 10 }, promptRestore: 'paste', compaction: { models: [] } }));
    const loaded = loadConfig(env);
    expect(loaded.warnings).toEqual([
      'config.json: log.keep: expected a whole number ≥ 0, got "three"; using the default 3',
      'config.json: log.maxBytes: expected a whole number ≥ 1024, got 10; using the default 5242880',
      'config.json: promptRestore: expected one of "off", "prefill", "submit", got "paste"; using the default "prefill"',
      'config.json: compaction.models: expected a non-empty list of model names (strings), got []; using the default ["claude-haiku-4-5-20251001","opus"]',
    ]);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
  });

  it('rejects ratios outside (0, 1] and patterns that do not compile', () => {
    writeConfig(JSON.stringify({ guard: { nearMissRatio: 1.5 }, detection: { extraPatterns: ['ok', '(unclosed'] } }));
    const loaded = loadConfig(env);
    expect(loaded.warnings[0]).toBe('config.json: guard.nearMissRatio: expected a number above 0 and at most 1, got 1.5; using the default 0.9');
    expect(loaded.warnings[1]).toMatch(/^config\.json: detection\.extraPatterns: expected valid regular expressions \("\(unclosed": .*\), got \["ok","\(unclosed"\]; using the default \[\]$/);
  });

  it('warns about unknown keys with a suggestion, and about a section that is not an object', () => {
    writeConfig(JSON.stringify({ compaction: { model: ['x'] }, colour: 'red', guard: true }));
    expect(loadConfig(env).warnings).toEqual([
      'config.json: unknown key "compaction.model" (ignored); did you mean "compaction.models"?',
      'config.json: unknown key "colour" (ignored)',
      'config.json: guard: expected an object with enabled, titleRatio, nearMissRatio, title, bell, autoCompact, idleMs, got true; using the defaults',
    ]);
  });

  it('fails open on a file that is not JSON or not an object: defaults and one warning', () => {
    writeConfig('{ "allowClear": true,, }');
    const broken = loadConfig(env);
    expect(broken.config).toEqual(DEFAULT_CONFIG);
    expect(broken.warnings).toHaveLength(1);
    expect(broken.warnings[0]).toContain(`${configFile(env)} is not valid JSON (`);
    expect(broken.warnings[0]).toMatch(/; using the defaults$/);

    writeConfig('[1, 2]');
    expect(loadConfig(env).warnings).toEqual([`${configFile(env)}: expected a JSON object, got [1,2]; using the defaults`]);
  });

  it('fails open when the file cannot be read', () => {
    mkdirSync(configFile(env), { recursive: true });
    const loaded = loadConfig(env);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.warnings).toEqual([expect.stringMatching(/^cannot read .*config\.json \(.*\); using the defaults$/)]);
  });

  it('applies env overrides over the file and marks them env', () => {
    writeConfig(JSON.stringify({ resume: { model: 'from-file' }, allowClear: true }));
    const loaded = loadConfig({
      ...env,
      CLAUDE_RECOVER_RESUME_MODEL: 'from-env',
      CLAUDE_RECOVER_COMPACTION_MODELS: ' haiku, sonnet ,',
      CLAUDE_RECOVER_ALLOW_CLEAR: 'off',
      CLAUDE_RECOVER_PROMPT_RESTORE: 'submit',
      CLAUDE_RECOVER_LOG_MAX_BYTES: '1_000_000',
      CLAUDE_RECOVER_GUARD_NEAR_MISS_RATIO: '.8',
      CLAUDE_RECOVER_EXTRA_PATTERNS: '["a{1,3}", "b"]',
      CLAUDE_RECOVER_CLAUDE: '/opt/claude',
      CLAUDE_RECOVER_GUARD: '',
    });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.resume.model).toBe('from-env');
    expect(loaded.config.compaction.models).toEqual(['haiku', 'sonnet']);
    expect(loaded.config.allowClear).toBe(false);
    expect(loaded.config.promptRestore).toBe('submit');
    expect(loaded.config.log.maxBytes).toBe(1_000_000);
    expect(loaded.config.guard.nearMissRatio).toBe(0.8);
    expect(loaded.config.detection.extraPatterns).toEqual(['a{1,3}', 'b']);
    expect(loaded.config.claudePath).toBe('/opt/claude');
    expect(loaded.sources).toMatchObject({ 'resume.model': 'env', allowClear: 'env', 'guard.enabled': 'default' });
  });

  it('takes a single extra pattern from env as is, commas included', () => {
    expect(loadConfig({ ...env, CLAUDE_RECOVER_EXTRA_PATTERNS: 'credits{1,2}, again' }).config.detection.extraPatterns).toEqual(['credits{1,2}, again']);
  });

  it('ignores an invalid env value with a message naming the variable, and keeps the file value', () => {
    writeConfig(JSON.stringify({ allowClear: true, log: { keep: 5 } }));
    const loaded = loadConfig({ ...env, CLAUDE_RECOVER_ALLOW_CLEAR: 'maybe', CLAUDE_RECOVER_LOG_KEEP: '-1' });
    expect(loaded.warnings).toEqual([
      'CLAUDE_RECOVER_ALLOW_CLEAR: expected 1/0, true/false, yes/no or on/off, got "maybe"; ignored (allowClear stays true)',
      'CLAUDE_RECOVER_LOG_KEEP: expected a whole number ≥ 0, got "-1"; ignored (log.keep stays 5)',
    ]);
    expect(loaded.config.allowClear).toBe(true);
    expect(loaded.sources.allowClear).toBe('file');
  });

  it('falls back on both case thresholds when caseAMinTokens exceeds the window', () => {
    writeConfig(JSON.stringify({ cases: { standardWindow: 100_000 } }));
    const loaded = loadConfig(env);
    expect(loaded.config.cases).toEqual(DEFAULT_CONFIG.cases);
    expect(loaded.sources['cases.standardWindow']).toBe('default');
    expect(loaded.warnings).toEqual(['cases.caseAMinTokens (150000) must not exceed cases.standardWindow (100000); using the defaults 150000 and 200000']);
  });

  it('sums warnings up in one line for the launcher', () => {
    expect(warningSummary([])).toBeNull();
    expect(warningSummary(['a'])).toBe('a');
    expect(warningSummary(['a', 'b', 'c'])).toBe('a (and 2 more config problems: run `claude-recover config`)');
  });
});
