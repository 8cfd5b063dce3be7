import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import type { AxeResults, Result } from 'axe-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what Flemish law and EN 301 549 ask. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** One line per failing node: rule, where (through shadow roots), and what to fix. */
export function describeViolations(violations: Result[]): string {
  return violations
    .flatMap((v) =>
      v.nodes.map((n) => `- ${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`),
    )
    .join('\n');
}

/**
 * Runs axe-core in the page against WCAG 2.2 A + AA, shadow roots included (axe walks open shadow
 * DOM), and fails with a readable list of violations. Our pages send a strict CSP (no inline
 * scripts), so `addScriptTag({ content })` is refused; the source is evaluated through the DevTools
 * protocol instead, which CSP does not govern. `what` names the view and state in the message.
 */
export async function expectNoAxeViolations(page: Page, what: string) {
  // Let transitions and pending renders settle: axe reads computed colours.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = (await page.evaluate(
    (tags) => (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    WCAG_AA,
  )) as AxeResults;
  // A node in a shadow root has a target path of selectors, one per root: proof axe looked inside.
  if (!results.passes.some((rule) => rule.nodes.some((node) => Array.isArray(node.target[0])))) {
    throw new Error(`axe checked nothing inside a shadow root in ${what}`);
  }
  if (results.violations.length) {
    throw new Error(`axe found ${results.violations.length} WCAG 2.2 AA rule(s) violated in ${what}:\n${describeViolations(results.violations)}`);
  }
}

/** Viewports that must lose nothing: 320 CSS px (WCAG 1.4.10 reflow) and a 1280×720 screen at 200% zoom. */
export const narrowViewports = [
  { width: 320, height: 640, what: '320 px wide' },
  { width: 640, height: 360, what: '200% zoom' },
] as const;

/**
 * At each narrow viewport: the page does not scroll sideways, and every visible control inside
 * `scope` lies within the viewport (so it can be reached and read). Restores the viewport after.
 */
export async function expectReflow(page: Page, scope: Locator, what: string) {
  const original = page.viewportSize();
  try {
    for (const viewport of narrowViewports) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      if (scrollWidth > clientWidth) {
        const wide = await page.evaluate(() => {
          const found: string[] = [];
          const roots: ParentNode[] = [document];
          while (roots.length) {
            for (const element of roots.pop()!.querySelectorAll('*')) {
              if (element.shadowRoot) roots.push(element.shadowRoot);
              const box = element.getBoundingClientRect();
              if (box.right > document.documentElement.clientWidth + 0.5) {
                found.push(`${element.localName}.${element.className} (${Math.round(box.left)}–${Math.round(box.right)} px)`);
              }
            }
          }
          return found.slice(-12);
        });
        throw new Error(`${what} at ${viewport.what}: the page scrolls sideways (${scrollWidth} > ${clientWidth} px), past the edge: ${wide.join(', ')}`);
      }
      const outside = await scope.locator('button, input, select, textarea, [role=radio]').evaluateAll((controls) =>
        controls
          .map((control) => ({ control, box: control.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 1 && box.height > 1 && (box.left < 0 || box.right > document.documentElement.clientWidth + 0.5))
          .map(({ control, box }) => `${control.localName} "${control.textContent?.trim() || control.getAttribute('aria-label') || control.id}" spans ${Math.round(box.left)}–${Math.round(box.right)} px`),
      );
      if (outside.length) throw new Error(`${what} at ${viewport.what}: controls outside the viewport:\n${outside.join('\n')}`);
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}

/** With `prefers-reduced-motion: reduce` nothing in the page or any shadow root animates or transitions. */
export async function expectNoMotion(page: Page, what: string) {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  try {
    const moving = await page.evaluate(() => {
      const found: string[] = [];
      const roots: ParentNode[] = [document];
      while (roots.length) {
        for (const element of roots.pop()!.querySelectorAll('*')) {
          if (element.shadowRoot) roots.push(element.shadowRoot);
          for (const pseudo of [null, '::before', '::after']) {
            const style = getComputedStyle(element, pseudo);
            const transition = style.transitionDuration.split(',').some((d) => parseFloat(d) > 0);
            if (style.animationName !== 'none' || transition) found.push(`${element.localName}${pseudo ?? ''}`);
          }
        }
      }
      return found;
    });
    if (moving.length) throw new Error(`${what} still moves with reduced motion: ${moving.join(', ')}`);
  } finally {
    await page.emulateMedia({ reducedMotion: null });
  }
}

/**
 * In forced-colors mode (Windows contrast themes) the focused control still shows a solid focus
 * ring at least 2 px wide, and `visible` elements (meters, toggles) keep a size and a border.
 */
export async function expectForcedColorsVisible(page: Page, focused: Locator, visible: Locator[], what: string) {
  await page.emulateMedia({ forcedColors: 'active' });
  try {
    const ring = await focused.evaluate((element) => {
      const style = getComputedStyle(element);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor };
    });
    if (ring.style === 'none' || ring.width < 2) throw new Error(`${what}: no focus ring in forced colors (${JSON.stringify(ring)})`);
    for (const element of visible) {
      const look = await element.evaluate((e) => {
        const style = getComputedStyle(e);
        const box = e.getBoundingClientRect();
        return { width: box.width, height: box.height, border: parseFloat(style.borderTopWidth), borderStyle: style.borderTopStyle };
      });
      if (look.width < 1 || look.height < 1 || look.border < 1 || look.borderStyle === 'none') {
        throw new Error(`${what}: ${element} is not visible in forced colors (${JSON.stringify(look)})`);
      }
    }
  } finally {
    await page.emulateMedia({ forcedColors: null });
  }
}

/**
 * The host page's root font size (`html { font-size: 62.5% }` and the like) changes nothing in the
 * widget: the boxes of `targets` keep their size when the root font size goes to 10 px and to 40 px
 * (styles set through the CSSOM: the page's CSP refuses style attributes, not CSSOM changes).
 */
export async function expectIndependentOfRootFontSize(page: Page, targets: Locator[], what: string) {
  const measure = () =>
    Promise.all(targets.map((target) => target.evaluate((e) => {
      const box = e.getBoundingClientRect();
      return `${Math.round(box.width)}×${Math.round(box.height)}`;
    })));
  // The host page's own layout may follow its root font size; pin the element's width so only the
  // widget's own sizes are compared.
  const host = page.locator('digitale-balie').first();
  await host.evaluate((e) => ((e as HTMLElement).style.width = `${e.getBoundingClientRect().width}px`));
  const before = await measure();
  try {
    for (const size of ['10px', '40px']) {
      await page.evaluate((s) => (document.documentElement.style.fontSize = s), size);
      const after = await measure();
      if (after.join() !== before.join()) {
        throw new Error(`${what} changes with the host's root font size ${size}: ${before.join(', ')} became ${after.join(', ')}`);
      }
    }
  } finally {
    await page.evaluate(() => (document.documentElement.style.fontSize = ''));
    await host.evaluate((e) => ((e as HTMLElement).style.width = ''));
  }
}

/**
 * Records everything the widget's live regions (role=status/alert, aria-live) say, in every shadow
 * root, so announcements that replace each other quickly are all seen.
 */
export async function recordAnnouncements(page: Page) {
  // tsx wraps the named helpers below in `__name(…)`, which the page lacks: give it one.
  await page.evaluate('window.__name = (fn) => fn');
  await page.locator('digitale-balie').evaluate((host) => {
    const said: string[] = [];
    (window as unknown as { announced: string[] }).announced = said;
    const regions = new Set<Element>();
    const watch = (root: ParentNode) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) watch(element.shadowRoot);
        if (element.matches('[role=status],[role=alert],[aria-live]') && !regions.has(element)) {
          regions.add(element);
          const text = element.textContent?.trim();
          if (text) said.push(text);
        }
      }
    };
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        let node: Node | null = record.target;
        while (node && !(node instanceof Element && regions.has(node))) node = node.parentNode;
        const text = node?.textContent?.trim();
        if (text && said.at(-1) !== text) said.push(text);
      }
      // New views bring new regions (and new shadow roots to observe).
      watch(host.shadowRoot!);
    });
    const observeAll = (root: ParentNode) => {
      observer.observe(root as Node, { childList: true, subtree: true, characterData: true });
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) observeAll(element.shadowRoot);
    };
    watch(host.shadowRoot!);
    observeAll(host.shadowRoot!);
    setInterval(() => observeAll(host.shadowRoot!), 100);
  });
}

/** Waits until a live region has said something matching `text`. */
export async function expectAnnounced(page: Page, text: string | RegExp) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const said = await page.evaluate(() => (window as unknown as { announced: string[] }).announced);
    if (said.some((line) => (typeof text === 'string' ? line.includes(text) : text.test(line)))) return;
    if (Date.now() > deadline) throw new Error(`no live region said ${text}; heard:\n${said.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
