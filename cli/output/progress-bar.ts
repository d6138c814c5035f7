/**
 * A one-line progress bar for a terminal, redrawn in place with `\r`. Used
 * only when stdout is a TTY; pipes get one plain line per item instead.
 */
export class ProgressBar {
  private done = 0;
  private failed = 0;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly label: string,
    private readonly width = 30,
  ) {}

  tick(ok: boolean): void {
    this.done++;
    if (!ok) this.failed++;
    this.draw();
  }

  draw(): void {
    const filled = this.total === 0 ? this.width : Math.round((this.done / this.total) * this.width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    this.write(`\r${this.label} ${bar} ${this.done}/${this.total}  ok ${this.done - this.failed}  failed ${this.failed}`);
  }

  end(): void {
    this.write('\n');
  }
}
