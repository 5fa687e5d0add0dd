/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser of its own: we point
 * it at /usr/bin/chromium). Shared by the cross-runtime test and the playground's end-to-end test.
 *
 * playwright-core is imported by name at run time and typed here by the few calls we make, so the
 * type check does not depend on it being installed.
 */
import { existsSync } from 'node:fs';

/** The part of playwright-core's Page we use. */
export interface Page {
  goto(url: string, options?: { timeout?: number }): Promise<unknown>;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'request', listener: (request: { url(): string }) => void): void;
  /** Functions, not strings: strings are eval'ed in the page, which its Content-Security-Policy forbids. */
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options?: { timeout?: number }): Promise<unknown>;
  evaluate<T, A = undefined>(fn: (arg: A) => T, arg?: A): Promise<T>;
  locator(selector: string): Locator;
  getByLabel(text: string | RegExp, options?: { exact?: boolean }): Locator;
  getByRole(role: string, options?: { name?: string | RegExp }): Locator;
  keyboard: { press(key: string): Promise<void> };
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  screenshot(options: { path?: string; fullPage?: boolean }): Promise<Uint8Array>;
}

/** The part of playwright-core's Locator we use. */
export interface Locator {
  fill(value: string): Promise<void>;
  click(): Promise<void>;
  check(): Promise<void>;
  uncheck(): Promise<void>;
  selectOption(value: string): Promise<unknown>;
  textContent(): Promise<string | null>;
  getAttribute(name: string): Promise<string | null>;
  innerText(): Promise<string>;
  count(): Promise<number>;
  first(): Locator;
  nth(index: number): Locator;
  focus(): Promise<void>;
  waitFor(options?: { state?: 'attached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  version(): string;
  close(): Promise<void>;
}

interface PlaywrightCore {
  chromium: {
    launch(options: {
      executablePath: string;
      headless: boolean;
      args: string[];
      env?: Record<string, string>;
      timeout?: number;
    }): Promise<Browser>;
  };
}

/** Where Debian installs Chromium (`apt-get install chromium`); DITTO_CHROMIUM overrides. */
export const CHROMIUM_PATH = process.env.DITTO_CHROMIUM ?? '/usr/bin/chromium';

/** The flags of a quiet, throwaway headless browser that talks to nothing but our server. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Why Chromium cannot be launched here, or undefined when it can. */
export async function chromiumUnavailable(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  try {
    await loadPlaywright();
  } catch {
    return 'playwright-core is not installed (a dev dependency)';
  }
  return undefined;
}

async function loadPlaywright(): Promise<PlaywrightCore> {
  // A variable specifier keeps TypeScript from resolving the package at type-check time.
  const specifier = process.env.DITTO_PLAYWRIGHT_CORE ?? 'playwright-core';
  return (await import(specifier)) as PlaywrightCore;
}

/** Launches headless Chromium; `env` is the browser's environment (e.g. a throwaway HOME). */
export async function launchChromium(env?: Record<string, string>): Promise<Browser> {
  const { chromium } = await loadPlaywright();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    env,
    timeout: 60_000,
  });
}
