// A test hook called at the points where a crash must leave the transcript whole; the
// kill -9 tests stop a real process at each of them. A no-op everywhere else.

export type Probe = (point: string) => Promise<void>;

export const noProbe: Probe = async () => {};
