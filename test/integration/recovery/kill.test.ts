// kill -9 of a process running the recovery sequence, at every point it signals (each step's
// start and the points inside checkpoint and prune-images), must leave the transcript whole:
// the old file (perhaps with the CLI's compaction records appended) or the pruned one, never
// a mix; the backup present once the checkpoint step has passed. A second run then finishes.
// Runs the built code (dist/): `npx tsc -p tsconfig.json` first.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../../src/config/types.js';
import type { RecoveryRequest } from '../../../src/recovery/steps.js';
import { checkIntegrity } from '../../../src/recovery/transcript-scan.js';
import { parseRecord } from '../../../src/transcript/records.js';
import { FAKE_CLAUDE, makeHome, REPO, syntheticTranscript, writeTranscript, type RecoveryHome } from '../../support/recovery-home.js';

const DRIVER = path.join(REPO, 'test', 'fixtures', 'recovery-driver', 'driver.mjs');
const SESSION = '0b6f6f39-6a8e-4a57-9d55-6a3f7f0c2d11';
const HAIKU = 'claude-haiku-4-5-20251001';

interface DriverRun {
  points: string[];
  killedAt: string | null;
  result: { result: { outcome: string; worked?: string } } | null;
}

/** Runs the driver; with killAt, SIGKILLs it as soon as it reports that point. */
function runDriver(input: object, killAt: number | null): Promise<DriverRun> {
  const child = spawn(process.execPath, [DRIVER, JSON.stringify({ ...input, killAt })], { stdio: ['ignore', 'pipe', 'inherit'] });
  const run: DriverRun = { points: [], killedAt: null, result: null };
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const [kind, , ...rest] = line.split(' ');
    if (kind === 'point') run.points.push(rest.join(' '));
    else if (kind === 'at') {
      run.killedAt = rest.join(' ');
      child.kill('SIGKILL');
    } else if (kind === 'result') run.result = JSON.parse(line.slice('result '.length)) as DriverRun['result'];
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(run));
  });
}

let home: RecoveryHome;
let original: Buffer;
let input: { request: RecoveryRequest; config: Config; stateDir: string; env: NodeJS.ProcessEnv };

beforeAll(() => {
  const built = path.join(REPO, 'dist', 'recovery', 'recover.js');
  const newestSource = Math.max(...readdirSync(path.join(REPO, 'src', 'recovery')).map((f) => statSync(path.join(REPO, 'src', 'recovery', f)).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource) {
    throw new Error('expected dist/ to be built from the current src/recovery, got an older or missing build: run npx tsc -p tsconfig.json');
  }
});

beforeEach(() => {
  home = makeHome();
  const file = home.transcript(SESSION);
  // About 4 MB, 1.5 MB of it text, so prune-images writes part of its output before it ends.
  writeTranscript(file, syntheticTranscript({ sessionId: SESSION, turns: 24, imageEvery: 2, imageChars: 200_000, answerChars: 60_000 }));
  original = readFileSync(file);
  input = {
    request: {
      occurrence: 'kill',
      case: 'A',
      sessionId: SESSION,
      transcriptPath: file,
      cwd: home.cwd,
      claudePath: FAKE_CLAUDE,
      userArgs: [],
      requestedModel: 'claude-sonnet-4-6[1m]',
      claudeVersion: '2.1.330',
    },
    config: { ...DEFAULT_CONFIG, compaction: { models: [HAIKU, 'opus'], timeoutMs: 20_000 }, loopGuard: { maxRecoveries: 100, windowMinutes: 15 } },
    stateDir: home.stateDir,
    // Compaction fails while images are in the transcript, so the run goes through every step.
    env: { ...home.env, FAKE_CLAUDE_FAIL_IF_IMAGES: '1' },
  };
});
afterEach(() => home.cleanup());

function originalChain(): string[] {
  return original
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const r = parseRecord(line);
      return `${r?.uuid}:${r?.parentUuid}`;
    });
}

/** The transcript is the old file (maybe with records appended) or the fully pruned one. */
async function expectWhole(file: string): Promise<'old' | 'pruned'> {
  const now = readFileSync(file);
  const integrity = await checkIntegrity(file);
  expect(integrity.malformed).toBe(0);
  expect(integrity.tornTail).toBe(false);
  if (now.subarray(0, original.length).equals(original)) return 'old';
  const lines = now.toString('utf8').split('\n').filter(Boolean);
  const chain = originalChain();
  const head = lines.slice(0, chain.length);
  expect(head.map((line) => {
    const r = parseRecord(line);
    return `${r?.uuid}:${r?.parentUuid}`;
  })).toEqual(chain);
  expect(head.some((line) => line.includes('"type":"image","source"'))).toBe(false);
  return 'pruned';
}

function backups(): string[] {
  const dir = path.join(home.stateDir, 'backups');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('kill -9 during recovery', () => {
  it('a run without a kill passes every point and recovers after pruning', async () => {
    const run = await runDriver(input, null);
    expect(run.result?.result).toMatchObject({ outcome: 'recovered', worked: `prune-images+compact:${HAIKU}` });
    expect(run.points).toEqual([
      'step:stop',
      'step:checkpoint',
      'checkpoint:copied',
      `step:compact:${HAIKU}`,
      'step:compact:opus',
      'step:prune-images',
      'prune:writing',
      'prune:written',
      'prune:verified',
      'prune:renamed',
      `step:compact:${HAIKU}`,
      'step:resume:claude-sonnet-4-6',
      'step:restore-prompt',
    ]);
  });

  it('leaves the transcript whole and the backup in place at every point, and a rerun finishes', async () => {
    const points = (await runDriver(input, null)).points;
    const checkpointDone = points.indexOf('checkpoint:copied') + 1;
    for (let i = 1; i <= points.length; i++) {
      home.cleanup();
      home = makeHome();
      const file = home.transcript(SESSION);
      const fresh = { ...input, request: { ...input.request, cwd: home.cwd, transcriptPath: file }, stateDir: home.stateDir, env: { ...input.env, ...home.env } };
      writeTranscriptBytes(file, original);

      const run = await runDriver(fresh, i);
      expect(run.killedAt).toBe(points[i - 1]);
      const state = await expectWhole(file);
      // Only a kill after the rename may leave the pruned file.
      expect(state).toBe(i > points.indexOf('prune:renamed') ? 'pruned' : 'old');
      // A backup exists once the checkpoint has been renamed into place, and it is the original.
      const found = backups().filter((name) => !name.includes('.tmp-'));
      if (i > checkpointDone) {
        expect(found).toHaveLength(1);
        expect(readFileSync(path.join(home.stateDir, 'backups', found[0] ?? '')).equals(original)).toBe(true);
      } else {
        expect(found).toHaveLength(0);
      }
      // Nothing that Claude Code would read as a session appeared next to the transcript.
      expect(readdirSync(home.projectDir).filter((name) => name.endsWith('.jsonl'))).toEqual([`${SESSION}.jsonl`]);

      const rerun = await runDriver(fresh, null);
      expect(rerun.result?.result.outcome).toBe('recovered');
      expect(readdirSync(home.projectDir)).toEqual([`${SESSION}.jsonl`]);
    }
  }, 120_000);
});

function writeTranscriptBytes(file: string, bytes: Buffer): void {
  writeTranscript(file, bytes.toString('utf8').split('\n').filter(Boolean));
}
