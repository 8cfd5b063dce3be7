import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { startTestServer } from '../test-support/server.ts';

// The declarations the build ships in dist/widget/types, compiled as an integrator's own strict
// TypeScript would: the elements by tag name, every event by name with its detail, nothing `any`.
const root = join(import.meta.dirname, '..');
const types = join(root, 'dist/widget/types/index.d.ts');

/** Type-checks `source` as a module of an integrator's project; returns the error messages. */
function compile(dir: string, name: string, source: string): string[] {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    // Our declarations are checked too; other packages' own .d.ts are theirs to check.
    skipLibCheck: false,
    skipDefaultLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || !d.file.fileName.includes('/node_modules/'))
    .map((d) => `${d.file ? `${d.file.fileName.replace(root, '')}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('TypeScript declarations in dist/widget/types', () => {
  let dir: string;
  before(() => {
    assert.ok(existsSync(types), `${types} is missing: run npm run build`);
    // Inside the repository, so that lit resolves from our node_modules as it would from theirs.
    dir = mkdtempSync(join(root, '.tmp', 'types-consumer-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const entry = JSON.stringify(types.replace(/\.d\.ts$/, '.js'));

  it('when an integrator listens to the elements in strict TypeScript, then tags, events and details are typed', () => {
    const errors = compile(
      dir,
      'consumer',
      `import { BalieBookingConfirmedEvent, type DigitaleBalie, type DigitaleBalieMedewerker } from ${entry};
const balie: DigitaleBalie | null = document.querySelector('digitale-balie');
const staff: DigitaleBalieMedewerker = document.createElement('digitale-balie-medewerker');
balie?.addEventListener('balie-booking-requested', (e) => {
  e.detail.metadata.caseNumber = 'W-2027-001';
  e.waitUntil(Promise.resolve(true));
});
document.addEventListener('balie-booking-confirmed', (e) => {
  const event: BalieBookingConfirmedEvent = e;
  const when: string = event.detail.start;
  const companions: number = e.detail.companions;
  console.log(when, companions, BalieBookingConfirmedEvent.eventName, staff.tagName);
});
document.addEventListener('balie-upload-completed', (e) => console.log(e.detail.sha256.toUpperCase()));
`,
    );
    assert.deepEqual(errors, []);
  });

  it('when an integrator reads a detail field that does not exist, then their type-check fails on it', () => {
    const errors = compile(
      dir,
      'mistake',
      `import type {} from ${entry};
document.addEventListener('balie-booking-confirmed', (e) => console.log(e.detail.citizenEmail));
`,
    );
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /citizenEmail.*does not exist on type 'BalieBookingConfirmedDetail'/);
  });

  it('when the widget imports the wire contract, then its types ship as plain declarations: no zod, no workspace package', () => {
    const dir = join(root, 'dist/widget/types');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'));
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(text, /['"](zod|@digitale-balie\/[\w-]+)['"]/, `${file} imports a package an integrator does not have`);
    }
    assert.match(readFileSync(join(dir, 'contract.d.ts'), 'utf8'), /export interface AppointmentView \{/);
  });

  it('when the bundle is built, then no zod is in it: the widget knows the contract by its types only', () => {
    const dist = join(root, 'dist/widget');
    const chunks = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    assert.ok(chunks.length > 1, 'dist/widget is missing: run npm run build');
    for (const chunk of chunks) {
      // Names only zod's runtime carries (its error class and its internal `_zod` state).
      assert.doesNotMatch(readFileSync(join(dist, chunk), 'utf8'), /\$ZodError|ZodError|\b_zod\b|\$ZodType/, `${chunk} carries zod`);
    }
  });

  it('when a script-tag integrator fetches them from the server, then they come as text next to the bundle', async () => {
    const server = await startTestServer();
    try {
      const response = await fetch(`${server.url}/widget/types/index.d.ts`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.match(await response.text(), /export \{ DigitaleBalie \} from '\.\/digitale-balie\.js';/);
    } finally {
      await server.cleanup();
    }
  });
});
