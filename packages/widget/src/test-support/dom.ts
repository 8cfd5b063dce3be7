/** Test helpers for the widget: find elements through nested shadow roots and wait for conditions. */

/** All elements matching `selector` in `root` and every shadow root below it. */
export function deepAll<T extends Element = HTMLElement>(root: ParentNode, selector: string): T[] {
  const found: T[] = [...root.querySelectorAll<T>(selector)];
  if (root instanceof Element && root.shadowRoot) found.push(...deepAll<T>(root.shadowRoot, selector));
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) found.push(...deepAll<T>(el.shadowRoot, selector));
  }
  return found;
}

export function deep<T extends Element = HTMLElement>(root: ParentNode, selector: string): T | undefined {
  return deepAll<T>(root, selector)[0];
}

/** Polls until `check` returns a truthy value; fails with `what` after the timeout. */
export async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves with the next event of `type` on `target`. */
export function nextEvent<E extends Event>(target: EventTarget, type: string, timeoutMs = 8000): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(type, (event) => {
      clearTimeout(timer);
      resolve(event as E);
    }, { once: true });
  });
}

/**
 * The URL of the real server the test runner started (see web-test-runner.config.mjs); `full`: the
 * one whose disk counts as full.
 */
export async function testServerUrl(which: 'default' | 'full' = 'default'): Promise<string> {
  const response = await fetch(which === 'full' ? '/__balie-server-full' : '/__balie-server');
  return ((await response.json()) as { url: string }).url;
}

/** Clicks the first button whose visible text contains `text`. */
export async function clickButton(root: ParentNode, text: string) {
  const button = await waitFor(
    () => deepAll<HTMLButtonElement>(root, 'button').find((b) => b.textContent?.includes(text) && !b.disabled),
    `button "${text}"`,
  );
  button.click();
}

/** Sets an input's value as a person typing would, so `input`/`change` listeners see it. */
export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}
