import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findElement, type Documented, type ElementDeclaration, type Manifest } from '../packages/demo-site/src/docs/manifest.ts';

// custom-elements.json is what integrators' IDEs read; the build generates it from JSDoc. These checks
// keep the JSDoc complete: whatever the citizen element dispatches or reads must be in the manifest.
const widget = join(import.meta.dirname, '../packages/widget');
const manifestFile = join(widget, JSON.parse(readFileSync(join(widget, 'package.json'), 'utf8')).customElements);

function element(tagName: string): ElementDeclaration {
  assert.ok(existsSync(manifestFile), `${manifestFile} is missing: run npm run build`);
  const found = findElement(JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest, tagName);
  assert.ok(found, `<${tagName}> in the manifest`);
  return found;
}

/** Citizen-side source files (the staff console has its own element). */
function citizenSources(): string[] {
  const src = join(widget, 'src');
  return (readdirSync(src, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('staff') && !file.startsWith('test-support'))
    .map((file) => readFileSync(join(src, file), 'utf8'));
}
const allMatches = (texts: string[], pattern: RegExp) => [...new Set(texts.flatMap((text) => [...text.matchAll(pattern)].map((m) => m[1]!)))].sort();
const names = (items: Documented[] | undefined) => (items ?? []).map((item) => item.name).sort();
const undocumented = (items: Documented[] | undefined) => (items ?? []).filter((item) => !item.description?.trim()).map((item) => item.name);

describe('custom-elements.json', () => {
  it('lists <digitale-balie> with its public attributes, each described', () => {
    const balie = element('digitale-balie');
    assert.deepEqual(names(balie.attributes), ['appointment', 'lang', 'server', 'service']);
    assert.deepEqual(undocumented(balie.attributes), []);
  });

  it('lists every public event, typed with its Event subclass and described', () => {
    const eventFiles = readdirSync(join(widget, 'src/events')).filter((file) => file !== 'index.ts');
    const classes = eventFiles.map((file) => {
      const source = readFileSync(join(widget, 'src/events', file), 'utf8');
      const [, className, eventName] = /class (\w+) extends Event \{\s*static readonly eventName = '([\w-]+)'/.exec(source) ?? [];
      assert.ok(className && eventName, `${file} declares one event class with a static eventName`);
      return { name: eventName, type: { text: className } };
    });
    const events = element('digitale-balie').events ?? [];
    assert.deepEqual(
      events.map(({ name, type }) => ({ name, type })).sort((a, b) => a.name.localeCompare(b.name)),
      classes.sort((a, b) => a.name.localeCompare(b.name)),
    );
    assert.deepEqual(undocumented(events), []);
  });

  it('documents every --balie-* custom property and every part the citizen element uses', () => {
    const balie = element('digitale-balie');
    const sources = citizenSources();
    assert.deepEqual(names(balie.cssProperties), allMatches(sources, /var\((--balie-[\w-]+)/g));
    assert.deepEqual(names(balie.cssParts), allMatches(sources, /\bpart="([\w-]+)"/g));
    assert.deepEqual(undocumented(balie.cssProperties), []);
    assert.deepEqual(undocumented(balie.cssParts), []);
  });

  it('lists <digitale-balie-medewerker> too', () => {
    assert.deepEqual(undocumented(element('digitale-balie-medewerker').attributes), []);
  });
});
