import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// The colour pairs the widget puts on screen, checked for WCAG 2.2 AA contrast in the default look
// (the fallbacks in the widget's styles) and in each preset of the demo site.
const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const defaults = Object.fromEntries(
  [read('packages/widget/src/styles/tokens.ts'), read('packages/widget/src/digitale-balie.ts')].flatMap((source) =>
    [...source.matchAll(/var\((--balie-color-[\w-]+), (#[0-9a-f]{3,6})\)/gi)].map((m) => [m[1]!, m[2]!]),
  ),
);
const preset = (file: string) =>
  Object.fromEntries([...read(`packages/demo-site/public/themes/${file}`).matchAll(/(--balie-color-[\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]));

function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

/** [foreground, background, minimum]: 4.5 for text, 3 for borders and other non-text parts. */
const pairs: [string, string, number][] = [
  ['text', 'background', 4.5],
  ['text', 'surface', 4.5],
  ['text', 'input-background', 4.5],
  ['muted', 'background', 4.5],
  ['primary', 'background', 4.5], // links and secondary buttons
  ['primary', 'surface', 4.5],
  ['primary-contrast', 'primary', 4.5], // text on primary buttons
  ['error', 'background', 4.5],
  ['border', 'background', 3],
  ['border', 'input-background', 3],
  ['success', 'background', 3],
];

for (const [name, palette] of [
  ['default look', defaults],
  ['Vlaanderen preset', { ...defaults, ...preset('vlaanderen.css') }],
  ['dark preset', { ...defaults, ...preset('donker.css') }],
] as const) {
  describe(`${name}`, () => {
    const colour = (key: string) => palette[`--balie-color-${key}`] ?? (key === 'input-background' ? '#ffffff' : assert.fail(`--balie-color-${key} has no value`));

    it('meets WCAG AA contrast for every text and control pair', () => {
      const failing = pairs
        .map(([fg, bg, min]) => ({ pair: `${fg} on ${bg}`, ratio: Math.round(contrast(colour(fg), colour(bg)) * 100) / 100, min }))
        .filter(({ ratio, min }) => ratio < min);
      assert.deepEqual(failing, []);
    });

    it('has a focus ring that stands out (the ring, or the black ring around it, at 3:1)', () => {
      const bg = colour('background');
      assert.ok(Math.max(contrast(colour('focus'), bg), contrast('#000000', bg)) >= 3);
    });
  });
}
