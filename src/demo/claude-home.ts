// A throwaway HOME in which the real Claude Code CLI starts straight at its prompt, offline,
// against a mock API: onboarding done, the folder trusted, the API key approved; plus the
// environment for each kind of login. Used by `claude-recover demo` and the e2e tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** How the CLI is logged in; decides which wording of the gate it prints (facts §1). */
export type AuthKind =
  /** CLAUDE_CODE_OAUTH_TOKEN: a claude.ai login (the friendly wording). */
  | 'oauth'
  /** The same with oauthAccount.billingType "stripe_subscription" (the /usage-credits hint). */
  | 'oauth-subscription'
  /** ANTHROPIC_API_KEY (the generic `Request rejected (429)` wording). */
  | 'api-key'
  /** ANTHROPIC_AUTH_TOKEN holding an unsigned JWT with aud "claude-gateway". */
  | 'gateway';

export const FAKE_OAUTH_TOKEN = 'sk-ant-oat01-mock-claude-recover-0000000000000000000000000000000000000000-AAAAAAAA';
export const FAKE_API_KEY = 'sk-ant-api03-mock-claude-recover-000000000000000000000000000000000000000000-AAAAAAAA';

/** An unsigned JWT the 2.1.330 CLI treats as gateway credentials. */
export function fakeGatewayJwt(): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: 'claude-gateway', sub: 'claude-recover-test', exp: 4102444800 })}.`;
}

export interface ClaudeHome {
  /** The HOME directory (holds .claude.json and .claude/). */
  readonly home: string;
  /** $HOME/.claude: projects/, sessions/, settings.json. */
  readonly claudeDir: string;
  /** A working directory inside the home, already trusted. */
  readonly cwd: string;
  /** $HOME/.local/state: XDG_STATE_HOME, where claude-recover's events.jsonl goes. */
  readonly stateHome: string;
  /** $HOME/.config: XDG_CONFIG_HOME. */
  readonly configHome: string;
  readonly auth: AuthKind;
  /** The environment to run claude (or claude-recover) in. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Deletes the directory. */
  remove(): void;
}

export interface ClaudeHomeOptions {
  auth?: AuthKind;
  /** Base URL of the mock API. */
  apiUrl: string;
  /** Where to create it; a new directory under the OS temp dir by default. */
  parent?: string;
  /** Name of the working directory inside the home. Default "project". */
  cwdName?: string;
}

/** Variables that keep the CLI offline and quiet (facts §5). */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  TERM: 'xterm-256color',
  LANG: 'C.UTF-8',
};

/** Variables from the caller's environment that would leak a real login or config into the run. */
const SCRUBBED = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_MODEL',
  'ANTHROPIC_SMALL_FAST_MODEL',
  'ANTHROPIC_DEFAULT_SONNET_MODEL',
  'ANTHROPIC_DEFAULT_OPUS_MODEL',
  'ANTHROPIC_DEFAULT_HAIKU_MODEL',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'CLAUDE_CONFIG_DIR',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDECODE',
  'CLAUDE_CODE_ENTRYPOINT',
  'CLAUDE_CODE_SSE_PORT',
  'XDG_CONFIG_HOME',
  'XDG_STATE_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
];

function authEnv(auth: AuthKind): Record<string, string> {
  switch (auth) {
    case 'oauth':
    case 'oauth-subscription':
      return { CLAUDE_CODE_OAUTH_TOKEN: FAKE_OAUTH_TOKEN };
    case 'api-key':
      return { ANTHROPIC_API_KEY: FAKE_API_KEY };
    case 'gateway':
      return { ANTHROPIC_AUTH_TOKEN: fakeGatewayJwt() };
  }
}

/** The .claude.json that skips onboarding, the trust question and the API-key question. */
export function seededClaudeJson(cwd: string, auth: AuthKind): Record<string, unknown> {
  const config: Record<string, unknown> = {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.330',
    theme: 'dark',
    numStartups: 5,
    projects: { [cwd]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] } },
  };
  if (auth === 'api-key') config.customApiKeyResponses = { approved: [FAKE_API_KEY.slice(-20)], rejected: [] };
  if (auth === 'oauth-subscription') {
    config.oauthAccount = {
      accountUuid: '00000000-0000-4000-8000-000000000001',
      emailAddress: 'demo@example.invalid',
      organizationUuid: '00000000-0000-4000-8000-000000000002',
      billingType: 'stripe_subscription',
    };
  }
  return config;
}

/** Creates the home, the trusted working directory and the seeded config. */
export function createClaudeHome(options: ClaudeHomeOptions): ClaudeHome {
  const auth = options.auth ?? 'oauth';
  const home = mkdtempSync(path.join(options.parent ?? os.tmpdir(), 'claude-recover-home-'));
  const cwd = path.join(home, options.cwdName ?? 'project');
  const claudeDir = path.join(home, '.claude');
  const stateHome = path.join(home, '.local', 'state');
  const configHome = path.join(home, '.config');
  for (const dir of [cwd, claudeDir, stateHome, configHome]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(home, '.claude.json'), `${JSON.stringify(seededClaudeJson(cwd, auth), null, 2)}\n`);
  writeFileSync(path.join(claudeDir, 'settings.json'), '{}\n');
  return {
    home,
    claudeDir,
    cwd,
    stateHome,
    configHome,
    auth,
    env(extra = {}) {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of SCRUBBED) delete env[name];
      return {
        ...env,
        ...OFFLINE_ENV,
        ...authEnv(auth),
        HOME: home,
        USERPROFILE: home,
        XDG_STATE_HOME: stateHome,
        XDG_CONFIG_HOME: configHome,
        ANTHROPIC_BASE_URL: options.apiUrl,
        ...extra,
      };
    },
    remove() {
      rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
