// Small statistics and formatting helpers for the bench table.

/** The q-quantile (0..1) of the values, by nearest rank on a sorted copy. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

export const median = (values) => quantile(values, 0.5);

/** `0.834 [0.71–0.90]` for a list of per-round values: the median one digit finer than the range. */
export function spread(values, digits = 2) {
  if (values.length === 0) return 'n/a';
  return `${median(values).toFixed(digits + 1)} [${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}]`;
}

/** Prints rows { metric, figure, target, verdict } as an aligned text table. */
export function printTable(rows) {
  const head = { metric: 'metric', figure: 'figure', target: 'target', verdict: 'pass/fail' };
  const all = [head, ...rows];
  const width = (key) => Math.max(...all.map((row) => String(row[key]).length));
  const w = { metric: width('metric'), figure: width('figure'), target: width('target') };
  const line = (row) => `${String(row.metric).padEnd(w.metric)}  ${String(row.figure).padEnd(w.figure)}  ${String(row.target).padEnd(w.target)}  ${row.verdict}`;
  console.log(line(head));
  console.log(`${'-'.repeat(w.metric)}  ${'-'.repeat(w.figure)}  ${'-'.repeat(w.target)}  ---------`);
  for (const row of rows) console.log(line(row));
}

/** PASS / FAIL for a measured figure against a limit; `info` when there is nothing to judge. */
export const verdict = (ok) => (ok === null || ok === undefined ? 'info' : ok ? 'PASS' : 'FAIL');
