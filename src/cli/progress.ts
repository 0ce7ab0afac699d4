/** A progress bar on standard error, redrawn in place at most a few times a second. */
export function progressBar(write: (s: string) => void, total: number, label: (done: number) => string) {
  let done = 0;
  let last = 0;
  const t0 = Date.now();
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 200) return;
    last = now;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const secs = Math.round((now - t0) / 1000);
    write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${label(done)} ${secs} s\x1b[K`);
  };
  return {
    tick() {
      done++;
      draw(done === total);
    },
    end() {
      draw(true);
      write("\n");
    },
  };
}
