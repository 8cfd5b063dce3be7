import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { chromiumPath } from '../test-support/chromium.mjs';
import { firefoxPath } from '../test-support/firefox.mjs';

/** The versions the README's supported-browsers table names, per engine. */
function readmeVersions() {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const table = readme.split('<!-- supported-browsers:start -->')[1]?.split('<!-- supported-browsers:end -->')[0] ?? '';
  return Object.fromEntries([...table.matchAll(/^\| (\w+) \([^)]*\) \| ([^|]+) \|/gm)].map(([, engine, version]) => [engine, version!.trim()]));
}

const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** What is installed on this machine, in the form the tests report (the browsers' own version strings). */
const installed = {
  chromium: () => /Chromium (\S+)/.exec(run(chromiumPath, ['--version']))?.[1],
  firefox: () => /Firefox (\d[\d.]*)/.exec(run(firefoxPath, ['--version']))?.[1],
  // WebKitWebDriver reports the libwebkit2gtk version as the browser version.
  webkit: () => /^\d[\d.]*\d/.exec(run('dpkg-query', ['-W', '-f=${Version}', 'libwebkit2gtk-4.1-0']))?.[0],
};

describe("README: the supported-browsers table", () => {
  it('names every engine the tests drive, at the version installed here', () => {
    const named = readmeVersions();
    assert.deepEqual(Object.keys(named).sort(), ['chromium', 'firefox', 'webkit']);
    for (const [engine, version] of Object.entries(installed)) {
      assert.equal(named[engine], version(), `${engine}: the README names ${named[engine]}; rerun the e2e journeys and npm run browsers:readme`);
    }
  });
});
