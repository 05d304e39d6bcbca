// The output of a claude that recovery has decided to stop, as it reaches the terminal: its
// escape sequences and control characters pass (so it still leaves the alternate screen,
// switches mouse reporting off and restores what it set), its text does not (so its exit
// hints, `Resume this session with: claude --resume …`, are never shown). Only that child's
// last output goes through here, never the passthrough.

const GROUND = 0;
const ESC = 1;
const ESC_INTERMEDIATE = 2;
const CSI = 3;
/** OSC, DCS, SOS, PM, APC: up to BEL (OSC) or ST. */
const STRING = 4;
/** Inside STRING, just after an ESC (ST is ESC \). */
const STRING_ESC = 5;

/** A streaming filter: feed chunks, get the bytes to write. */
export class ControlsOnly {
  private state = GROUND;
  /** Continuation bytes of a dropped UTF-8 character still to skip. */
  private skip = 0;

  push(chunk: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.skip > 0 && (byte & 0xc0) === 0x80) {
        this.skip--;
        continue;
      }
      this.skip = 0;
      switch (this.state) {
        case GROUND:
          if (byte === 0x1b) {
            this.state = ESC;
            out[n++] = byte;
          } else if (byte < 0x20) {
            out[n++] = byte; // \r, \n, BEL, backspace, shift in/out: they move or set, they show nothing
          } else if (byte >= 0xc2 && byte <= 0xf4) {
            this.skip = byte >= 0xf0 ? 3 : byte >= 0xe0 ? 2 : 1;
          }
          // printable ASCII, DEL and stray bytes: dropped
          break;
        case ESC:
          out[n++] = byte;
          if (byte === 0x5b) this.state = CSI;
          else if (byte === 0x5d || byte === 0x50 || byte === 0x58 || byte === 0x5e || byte === 0x5f) this.state = STRING;
          else if (byte >= 0x20 && byte <= 0x2f) this.state = ESC_INTERMEDIATE;
          else if (byte !== 0x1b) this.state = GROUND;
          break;
        case ESC_INTERMEDIATE:
          out[n++] = byte;
          if (byte >= 0x30) this.state = GROUND;
          break;
        case CSI:
          out[n++] = byte;
          if (byte === 0x1b) this.state = ESC;
          else if ((byte >= 0x40 && byte <= 0x7e) || byte === 0x18 || byte === 0x1a) this.state = GROUND;
          break;
        case STRING:
          out[n++] = byte;
          if (byte === 0x07) this.state = GROUND;
          else if (byte === 0x1b) this.state = STRING_ESC;
          else if (byte === 0x18 || byte === 0x1a) this.state = GROUND;
          break;
        case STRING_ESC:
          if (byte === 0x5c) {
            out[n++] = byte;
            this.state = GROUND;
          } else {
            // ESC inside a string starts a new sequence: this byte is its second.
            this.state = ESC;
            i--;
          }
          break;
      }
    }
    return out.subarray(0, n);
  }
}
