/**
 * Coalesces redraws: any number of messages between two animation frames cause one render. A hidden webview gets
 * no frames, so nothing is drawn while nobody looks; the store keeps up, and the next frame draws the latest.
 */
export class FrameScheduler {
  private pending = false;

  constructor(private readonly render: () => void) {}

  request(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }
}
