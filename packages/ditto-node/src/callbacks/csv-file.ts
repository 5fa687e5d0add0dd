/**
 * CSVLogger's files in Node: `new CSVLogger('training.csv')` opens the file at each fit's start
 * (truncated, or appended to), writes each row synchronously as Keras flushes it, and closes it
 * at the end.
 */
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { type CSVSink, setCsvFileOpener } from 'ditto';

/** A CSV sink writing to `filename`; errors name the file. */
export function csvFileSink(filename: string): CSVSink {
  let fd: number | undefined;
  const fail = (action: string, error: unknown): never => {
    throw new Error(`CSVLogger: cannot ${action} '${filename}': ${(error as Error).message}`, {
      cause: error,
    });
  };
  return {
    open(append: boolean): boolean {
      let empty = true;
      if (append) {
        try {
          // Keras writes the header when the file's first line is empty (a missing file included).
          if (statSync(filename, { throwIfNoEntry: false })?.isFile()) {
            const probe = openSync(filename, 'r');
            const first = Buffer.alloc(1);
            const read = readSync(probe, first, 0, 1, 0);
            closeSync(probe);
            empty = read === 0 || first[0] === 0x0a || first[0] === 0x0d;
          }
        } catch (error) {
          fail('read', error);
        }
      }
      try {
        fd = openSync(filename, append ? 'a' : 'w');
      } catch (error) {
        fail('open', error);
      }
      return empty;
    },
    write(text: string): void {
      if (fd === undefined)
        throw new Error(`CSVLogger: '${filename}' is not open (write before the fit began)`);
      try {
        writeSync(fd, text);
      } catch (error) {
        fail('write', error);
      }
    },
    close(): void {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    },
  };
}

/** Makes `new CSVLogger(filename)` write files through Node's file system. */
export function registerNodeCsvFiles(): void {
  setCsvFileOpener(csvFileSink);
}
