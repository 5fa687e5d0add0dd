/**
 * Timed rounds that other processes left alone. On a machine shared with other jobs a timing is
 * only meaningful while the others leave the cores alone, so each round also reads how busy the
 * whole machine was (Linux /proc/stat) and is repeated, after a pause, when other processes used
 * more than 5 % of a core meanwhile (this process's own CPU time, worker threads included, is
 * subtracted). After `maxAttempts` the last round is kept and reported as noisy.
 */
import { readFileSync } from 'node:fs';

/** Milliseconds of CPU time the whole machine has spent busy, or undefined without /proc/stat. */
function machineBusyMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((s, x) => s + x, 0);
    return (total - idle) * 10; // USER_HZ = 100
  } catch {
    return undefined;
  }
}

/** What the rounds of one measurement went through. */
export interface RoundLog {
  /** Rounds repeated because other processes were busy. */
  discarded: number;
  /** Rounds kept although others were busy (the attempts ran out). */
  noisy: number;
}

export function newRoundLog(): RoundLog {
  return { discarded: 0, noisy: 0 };
}

/** Measures one round: wall-clock time, and whether other processes left the machine alone. */
export class RoundMeter {
  private busy0: number | undefined;
  private cpu0: NodeJS.CpuUsage = process.cpuUsage();
  private start = 0;

  begin(): void {
    this.busy0 = machineBusyMs();
    this.cpu0 = process.cpuUsage();
    this.start = performance.now();
  }

  /** The round's milliseconds, and whether others used at most 5 % of a core (+ two 10 ms ticks). */
  end(): { ms: number; clean: boolean } {
    const ms = performance.now() - this.start;
    const cpu = process.cpuUsage(this.cpu0);
    const busy1 = machineBusyMs();
    if (this.busy0 === undefined || busy1 === undefined) return { ms, clean: true };
    const others = busy1 - this.busy0 - (cpu.user + cpu.system) / 1000;
    return { ms, clean: others <= 0.05 * ms + 20 };
  }
}

/**
 * Runs `fn` until a round passes during which other processes left the machine alone, at most
 * `maxAttempts` times; returns that round's wall-clock milliseconds.
 */
export async function cleanRound(
  fn: () => Promise<unknown> | unknown,
  log: RoundLog,
  maxAttempts = 10,
): Promise<number> {
  const meter = new RoundMeter();
  for (let attempt = 1; ; attempt++) {
    meter.begin();
    await fn();
    const { ms, clean } = meter.end();
    if (clean) return ms;
    if (attempt >= maxAttempts) {
      log.noisy++;
      return ms;
    }
    log.discarded++;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Collects per-epoch rates from fit callbacks: epoch 0 is the warm-up; later epochs count when
 * clean, and `done()` says when `wanted` clean epochs are in. If the fit ends first, the noisy
 * epochs are used too (and counted as such).
 */
export class EpochRates {
  private readonly meter = new RoundMeter();
  private readonly clean: number[] = [];
  private readonly all: number[] = [];

  constructor(
    private readonly samples: number,
    private readonly wanted: number,
    private readonly log: RoundLog,
  ) {}

  begin(): void {
    this.meter.begin();
  }

  end(epoch: number): void {
    const { ms, clean } = this.meter.end();
    if (epoch === 0) return;
    const rate = this.samples / (ms / 1000);
    this.all.push(rate);
    if (clean) this.clean.push(rate);
    else this.log.discarded++;
  }

  /** Whether enough clean epochs are in (the fit may stop). */
  done(): boolean {
    return this.clean.length >= this.wanted;
  }

  /** The clean rates, or every rate when too few were clean. */
  rates(): number[] {
    if (this.clean.length >= this.wanted) return this.clean.slice(0, this.wanted);
    this.log.noisy += this.all.length - this.clean.length;
    this.log.discarded -= this.all.length - this.clean.length;
    return this.all;
  }
}
