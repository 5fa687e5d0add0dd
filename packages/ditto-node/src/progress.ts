/**
 * Node adapter: `fit`'s verbose=1 progress bar on a terminal, drawn by cli-progress. Off a terminal
 * (pipes, CI logs) the core's plain lines are kept.
 */
import { SingleBar } from 'cli-progress';
import { consoleDisplay, type ProgressDisplay, setProgressDisplay } from 'ditto/internal';

export const terminalDisplay: ProgressDisplay = {
  startEpoch(title, steps) {
    const bar = new SingleBar({
      format: `${title} [{bar}] {value}/{total} {text}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
    });
    bar.start(steps, 0, { text: '' });
    return {
      update(done, text) {
        bar.update(done, { text });
      },
      finish(text) {
        bar.update(steps, { text: text.replace(/^\d+\/\d+ - /, '') });
        bar.stop();
      },
    };
  },
  line(text) {
    process.stdout.write(`${text}\n`);
  },
};

/** Installs the terminal bar when stdout is a terminal. */
export function installTerminalProgress(): void {
  setProgressDisplay(process.stdout.isTTY ? terminalDisplay : consoleDisplay);
}
