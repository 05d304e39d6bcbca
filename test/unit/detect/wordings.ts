// The gate's wordings (facts §1 and the real captures), shared by the detector tests.

/** Every wording of facts §1, as the CLI stores the message, with the variant it must give. */
export const WORDINGS: ReadonlyArray<{ name: string; text: string; variant: string }> = [
  { name: '2.1.88 interactive', text: 'API Error: Extra usage is required for 1M context · run /extra-usage to enable, or /model to switch to standard context', variant: 'extra-usage-1m' },
  { name: '2.1.88 -p', text: 'API Error: Extra usage is required for 1M context · enable extra usage at claude.ai/settings/usage, or use --model to switch to standard context', variant: 'extra-usage-1m' },
  { name: '2.1.144 interactive', text: 'API Error: Usage credits required for 1M context · run /usage-credits to turn them on, or /model to switch to standard context', variant: 'usage-credits-1m' },
  { name: '2.1.144 -p', text: 'API Error: Usage credits required for 1M context · turn on usage credits at claude.ai/settings/usage, or use --model to switch to standard context', variant: 'usage-credits-1m' },
  { name: '2.1.330 short', text: 'API Error: Usage credits required for 1M context · run /model to switch to standard context', variant: 'usage-credits-1m' },
  {
    name: '2.1.330 subscription',
    text: 'API Error: Usage credits required for 1M context · run /usage-credits to turn them on (they take effect after you restart Claude Code), or /model to switch to standard context',
    variant: 'usage-credits-1m',
  },
  {
    name: '2.1.330 commands disabled',
    text: 'API Error: Usage credits required for 1M context · turn on usage credits at https://claude.ai/settings/usage?from=cc_cli_limit_message (they take effect after you restart Claude Code)',
    variant: 'usage-credits-1m',
  },
  {
    name: '2.1.330 -p',
    text: 'API Error: Usage credits required for 1M context · turn on usage credits at https://claude.ai/settings/usage?from=cc_cli_limit_message (they take effect in a new session), or use --model to switch to standard context',
    variant: 'usage-credits-1m',
  },
  { name: 'API key', text: 'API Error: Request rejected (429) · Extra usage is required for long context requests.', variant: 'request-rejected-long-context' },
  {
    name: 'raw 429',
    text: 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Extra usage is required for long context requests."},"request_id":"req_011CVz8k3nQ1xY2"}',
    variant: 'raw-429-long-context',
  },
  {
    name: 'raw 429, credits wording',
    text: 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Usage credits are required for long context requests."},"request_id":"req_011CVz8k3nQ1xY2"}',
    variant: 'raw-429-long-context',
  },
  { name: 'compaction', text: 'Error: Error during compaction: API Error: Usage credits required for 1M context · run /model to switch to standard context', variant: 'compaction:usage-credits-1m' },
  { name: 'next rewording', text: 'API Error: Credits are now required for 1M context · run /model to switch', variant: 'long-context-other' },
];
