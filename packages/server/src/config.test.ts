import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig, PUBLISHED_DEMO_PASSWORD } from './config.ts';

describe('loadConfig', () => {
  let dataDir: string;
  before(() => (dataDir = mkdtempSync(join(tmpdir(), 'balie-config-'))));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, ...env });
  /** Expects a ConfigError whose message names `variable` with a reason. */
  const rejects = (env: Record<string, string>, variable: string) =>
    assert.throws(
      () => load(env),
      (error: unknown) => error instanceof ConfigError && new RegExp(`^  ${variable}: \\S`, 'm').test(error.message),
      `${JSON.stringify(env)} names ${variable}`,
    );

  describe('when PORT is not a port number', () => {
    it('then it throws a ConfigError naming PORT', () => {
      for (const PORT of ['http', '70000', '-1', '80.5']) rejects({ PORT }, 'PORT');
    });
  });

  describe('when ALLOWED_ORIGINS holds something other than origins', () => {
    it('then it throws a ConfigError naming ALLOWED_ORIGINS', () => {
      for (const ALLOWED_ORIGINS of ['https://www.wilsede.be/afspraak', 'www.wilsede.be', 'https://www.wilsede.be, ftp://files.wilsede.be']) {
        rejects({ ALLOWED_ORIGINS }, 'ALLOWED_ORIGINS');
      }
    });
  });

  describe('when TURN is half configured', () => {
    it('then TURN_URLS without TURN_SECRET throws a ConfigError naming TURN_SECRET', () => {
      rejects({ TURN_URLS: 'turn:turn.wilsede.be:3478' }, 'TURN_SECRET');
    });

    it('then a URL that is not turn: or turns: is refused, and so is a short secret', () => {
      rejects({ TURN_URLS: 'stun:stun.wilsede.be:3478', TURN_SECRET: 'x'.repeat(32) }, 'TURN_URLS');
      rejects({ TURN_URLS: 'turn:turn.wilsede.be:3478', TURN_SECRET: 'kort' }, 'TURN_SECRET');
    });
  });

  describe('when several variables are wrong', () => {
    it('then one error names every one of them', () => {
      const env = { PORT: 'http', SMTP_URL: 'mail.wilsede.be', PUBLIC_URL: 'balie.wilsede.be', REMINDER_OFFSETS_MINUTES: '1 dag' };
      for (const variable of Object.keys(env)) rejects(env, variable);
    });
  });

  describe('when a variable is set but empty, as `PORT=${PORT}` in a compose file leaves it', () => {
    it('then it counts as unset and takes its default, never port 0', () => {
      const config = load({ PORT: '', TURN_URLS: '', ALLOWED_ORIGINS: '' });
      assert.equal(config.port, 8080);
      assert.deepEqual(config.turnUrls, []);
      assert.deepEqual(config.allowedOrigins, []);
    });
  });

  describe('when the environment is valid', () => {
    it('then it returns a typed config with defaults filled in', () => {
      const config = load({
        PORT: '9000',
        PUBLIC_URL: 'https://balie.wilsede.be/',
        ALLOWED_ORIGINS: 'https://www.wilsede.be, https://www.burgerprofiel.be',
        TURN_URLS: 'turn:turn.wilsede.be:3478?transport=udp,turns:turn.wilsede.be:5349',
        TURN_SECRET: 'een-lang-gedeeld-geheim',
      });
      assert.equal(config.port, 9000);
      assert.equal(config.publicUrl, 'https://balie.wilsede.be');
      assert.equal(config.dataDir, dataDir);
      assert.deepEqual(config.allowedOrigins, ['https://www.wilsede.be', 'https://www.burgerprofiel.be']);
      assert.deepEqual(config.turnUrls, ['turn:turn.wilsede.be:3478?transport=udp', 'turns:turn.wilsede.be:5349']);
      assert.equal(config.smtpUrl, undefined);
      assert.equal(config.retentionDays, 30);
      assert.deepEqual(config.reminderOffsetsMinutes, [1440, 60]);
      assert.equal(config.seedDemoData, false, 'a public address gets no demo municipality by default');
      assert.equal(config.demoStaffPassword, undefined);
    });

    it('then the demo mailbox, which lists personal links, is served only for a local demo', () => {
      assert.equal(load({}).demoMailbox, true);
      assert.equal(load({ PUBLIC_URL: 'http://127.0.0.1:8080' }).demoMailbox, true);
      assert.equal(load({ PUBLIC_URL: 'https://balie.wilsede.be' }).demoMailbox, false);
      assert.equal(load({ SMTP_URL: 'smtp://127.0.0.1:2525' }).demoMailbox, false);
      assert.equal(load({ PUBLIC_URL: 'https://demo.wilsede.be', DEMO_MAILBOX: 'true' }).demoMailbox, true);
    });

    it('then the public URL defaults to localhost on the port', () => {
      assert.equal(load({ PORT: '9001' }).publicUrl, 'http://localhost:9001');
    });

    it('then the link secret is generated once and kept, readable only by the server', () => {
      const first = load({}).tokenSecret;
      assert.ok(first.length >= 32);
      assert.equal(load({}).tokenSecret, first, 'links survive a restart');
      assert.equal(statSync(join(dataDir, 'token-secret')).mode & 0o777, 0o600);
      assert.equal(load({ TOKEN_SECRET: 's'.repeat(32) }).tokenSecret, 's'.repeat(32));
    });

    it('then DATA_DIR is private to the server (0700), also one an older version left world-readable', () => {
      const dir = join(dataDir, 'nested', 'data');
      load({ DATA_DIR: dir });
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      chmodSync(dir, 0o755);
      chmodSync(join(dir, 'token-secret'), 0o644);
      load({ DATA_DIR: dir });
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, 'token-secret')).mode & 0o777, 0o600);
    });
  });

  describe('demo data and the demo password (no production start has a known password)', () => {
    it('when started locally with nothing set, then the demo and its published password come as ever', () => {
      const starts: Record<string, string>[] = [{}, { PUBLIC_URL: 'http://127.0.0.1:8080' }, { PUBLIC_URL: 'http://localhost:9000', HOST: '127.0.0.1' }];
      for (const env of starts) {
        const config = load(env);
        assert.equal(config.seedDemoData, true, JSON.stringify(env));
        assert.equal(config.demoStaffPassword, PUBLISHED_DEMO_PASSWORD, JSON.stringify(env));
      }
    });

    it('when PUBLIC_URL is public, then no demo and no password, even with SEED_DEMO_DATA=true', () => {
      const production = load({ PUBLIC_URL: 'https://balie.wilsede.be' });
      assert.equal(production.seedDemoData, false);
      assert.equal(production.demoStaffPassword, undefined);
      const publicDemo = load({ PUBLIC_URL: 'https://demo.wilsede.be', SEED_DEMO_DATA: 'true' });
      assert.equal(publicDemo.seedDemoData, true, 'a public demo site may show the demo municipality');
      assert.equal(publicDemo.demoStaffPassword, undefined, 'but its team has no known password');
    });

    it('when HOST opens a localhost PUBLIC_URL to the network, then it is no local start either', () => {
      const config = load({ HOST: '0.0.0.0' });
      assert.equal(config.localStart, false);
      assert.equal(config.seedDemoData, false);
      assert.equal(config.demoStaffPassword, undefined);
      assert.equal(config.demoMailbox, false, 'the mailbox of personal links stays off the network');
    });

    it('when a public demo sets its own DEMO_STAFF_PASSWORD, then that one is used, never the published one', () => {
      const env = { PUBLIC_URL: 'https://demo.wilsede.be', SEED_DEMO_DATA: 'true' };
      assert.equal(load({ ...env, DEMO_STAFF_PASSWORD: 'een-eigen-demo-wachtwoord' }).demoStaffPassword, 'een-eigen-demo-wachtwoord');
      rejects({ ...env, DEMO_STAFF_PASSWORD: PUBLISHED_DEMO_PASSWORD }, 'DEMO_STAFF_PASSWORD');
      rejects({ HOST: '0.0.0.0', DEMO_STAFF_PASSWORD: PUBLISHED_DEMO_PASSWORD }, 'DEMO_STAFF_PASSWORD');
      assert.equal(load({ PUBLIC_URL: 'https://balie.wilsede.be', DEMO_STAFF_PASSWORD: 'een-eigen-demo-wachtwoord' }).demoStaffPassword, undefined, 'no demo team, no password');
    });
  });
});
