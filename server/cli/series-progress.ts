/**
 * Progress of a forecast over many series on stderr: a bar redrawn in place on a terminal, else a
 * line every 5 s (logs and CI stay readable). `stage` says what is being done besides forecasting
 * (reading demand, proposing, saving).
 */
export function seriesProgress(out: NodeJS.WriteStream, label: string) {
  const started = Date.now();
  let lastLine = 0;
  const line = (done: number, total: number, stage: string) => `${done}/${total} series, ${stage}, ${((Date.now() - started) / 1000).toFixed(1)}s`;
  return {
    update(done: number, total: number, stage = 'forecasting'): void {
      if (out.isTTY) {
        const width = 30;
        const filled = Math.round((Math.min(done, total) / Math.max(total, 1)) * width);
        out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line(done, total, stage)}   `);
      } else if (Date.now() - lastLine >= 5_000) {
        lastLine = Date.now();
        out.write(`${label}: ${line(done, total, stage)}\n`);
      }
    },
    end(done: number, total: number, stage = 'done'): void {
      out.write(out.isTTY ? `\r${' '.repeat(Math.min(out.columns ?? 80, 100) - 1)}\r${label}: ${line(done, total, stage)}\n` : `${label}: ${line(done, total, stage)}\n`);
    },
  };
}
