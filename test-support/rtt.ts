import type { Locator, Page } from 'playwright-core';

/**
 * Measuring real-time text between real pages (e2e and bench): the sending page records each
 * keystroke's resulting text with its time, the receiving page each change of what it shows for
 * the sender. Both read `performance.timeOrigin + performance.now()`: the same machine clock, so
 * times from two pages compare.
 */
export interface Stamped {
  text: string;
  at: number;
}

/** Our own real-time text box on `page` (the panel must be open). */
export const rttInput = (page: Page): Locator => page.locator('balie-rtt-panel textarea[data-rtt-input]');

/** The region showing what `name` types, on `page`. */
export const rttRegion = (page: Page, name: string): Locator =>
  page.locator('balie-rtt-panel section[data-rtt-peer]').filter({ has: page.getByRole('heading', { name: `${name} typt:` }) });

/** Starts recording each keystroke in our box on `page`; returns a reader of what was recorded. */
export async function recordTyping(page: Page): Promise<() => Promise<Stamped[]>> {
  const input = rttInput(page);
  await input.evaluate((el) => {
    const log: { text: string; at: number }[] = [];
    (el as unknown as { rttLog: typeof log }).rttLog = log;
    // Capturing, so the time is taken before the widget's own handler sends anything.
    el.addEventListener('input', () => log.push({ text: (el as HTMLTextAreaElement).value, at: performance.timeOrigin + performance.now() }), { capture: true });
  });
  return () => input.evaluate((el) => (el as unknown as { rttLog: Stamped[] }).rttLog.slice());
}

/** Starts recording each change of `name`'s text as shown on `page`; returns a reader. */
export async function recordShown(page: Page, name: string): Promise<() => Promise<Stamped[]>> {
  const text = rttRegion(page, name).locator('[data-rtt-text]');
  await text.evaluate((el) => {
    const log: { text: string; at: number }[] = [];
    (el as unknown as { rttLog: typeof log }).rttLog = log;
    new MutationObserver(() => log.push({ text: el.textContent ?? '', at: performance.timeOrigin + performance.now() })).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  return () => text.evaluate((el) => (el as unknown as { rttLog: Stamped[] }).rttLog.slice());
}

/**
 * For each keystroke, the ms until the other side first showed its text (or a later keystroke's:
 * keystrokes within one transmission interval arrive together). A keystroke never shown is Infinity.
 */
export function keystrokeLatencies(typed: Stamped[], shown: Stamped[]): number[] {
  return typed.map((keystroke, i) => {
    const seen = shown.find((s) => s.at >= keystroke.at - 1 && typed.findIndex((t, k) => k >= i && t.text === s.text) !== -1);
    return seen ? Math.max(0, seen.at - keystroke.at) : Infinity;
  });
}

/** The value at quantile `q` (0..1) of `values`, nearest rank. */
export function quantileOf(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
