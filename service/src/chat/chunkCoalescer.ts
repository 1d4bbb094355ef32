/**
 * Gathers streamed text and passes it on at most every `intervalMs`, or as soon
 * as `maxChars` have gathered, so a fast model does not flood the bus with a
 * signal per token.
 */
export class ChunkCoalescer {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly intervalMs = 30,
    private readonly maxChars = 64,
  ) {}

  push(text: string): void {
    this.pending += text;
    if (this.pending.length >= this.maxChars) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Passes on what has gathered now; call it before announcing the end of the text. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.emit(text);
  }
}
