import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
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
