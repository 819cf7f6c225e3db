import { truncate } from "./style.ts";

/**
 * A block of lines redrawn in place on a terminal: move up over the last frame, clear to the end of
 * the screen, write the new one. Lines are cut to the width so wrapping never breaks the count.
 */
export class LiveArea {
  private drawn = 0;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.out.write("\x1b[?25l");
  }

  get width(): number {
    return this.out.columns || 80;
  }

  get height(): number {
    return this.out.rows || 24;
  }

  draw(lines: string[]): void {
    const fitted = lines.slice(0, Math.max(1, this.height - 1)).map((l) => truncate(l, this.width - 1));
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A\r` : "";
    this.out.write(`${up}\x1b[J${fitted.join("\n")}\n`);
    this.drawn = fitted.length;
  }

  /** Leaves the last frame on screen and gives the cursor back. */
  close(): void {
    this.out.write("\x1b[?25h");
  }
}
