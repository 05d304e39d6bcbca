// The guard's title text: the context size against the standard window.

/** The guard's status: `claude · 172K/200K ctx`. */
export function statusText(contextTokens: number, window: number): string {
  return `claude · ${formatTokens(contextTokens)}/${formatTokens(window)} ctx`;
}

/** 950 → `950`, 172_400 → `172K`, 1_000_000 → `1M`, 1_500_000 → `1.5M`. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(Math.max(0, Math.round(tokens)));
  if (tokens < 999_500) return `${Math.round(tokens / 1000)}K`;
  const millions = Math.round(tokens / 100_000) / 10;
  return `${millions}M`;
}
