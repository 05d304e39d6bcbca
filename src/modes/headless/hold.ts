// Holds back the output of a headless run from the first line that shows a block the mode
// may act on until it has decided: released unchanged when claude's own output must go
// through, dropped when a recovery or a re-run replaces it. Everything before that line has
// gone out already.

export class OutputHold {
  private held: Buffer[] | null = null;
  /** Lines that announce an error (a rejected rate limit): they go with the error if one follows. */
  private lead: Buffer[] = [];

  constructor(private readonly write: (data: Buffer) => void) {}

  /** True from a held block's line until release() or drop(). */
  get holding(): boolean {
    return this.held !== null;
  }

  /** Output that is not a judged line (text passed through mid-line). */
  pass(data: Buffer): void {
    if (this.held !== null) this.held.push(data);
    else {
      this.flushLead();
      this.write(data);
    }
  }

  /** One judged line (`hold`: a block the mode may act on); true when it starts holding. */
  line(data: Buffer, kind: 'hold' | 'lead' | 'other'): boolean {
    if (this.held !== null) {
      this.held.push(data);
      return false;
    }
    if (kind === 'lead') {
      this.lead.push(data);
      return false;
    }
    if (kind === 'hold') {
      this.held = [...this.lead, data];
      this.lead = [];
      return true;
    }
    this.pass(data);
    return false;
  }

  /** Lets the held output through, in order. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const data of held) this.write(data);
  }

  /** Forgets the held output: a recovery replaces it. */
  drop(): void {
    this.held = null;
  }

  /** The stream ended: a lead line with nothing after it goes out. */
  flushLead(): void {
    const lead = this.lead;
    this.lead = [];
    for (const data of lead) this.write(data);
  }
}
