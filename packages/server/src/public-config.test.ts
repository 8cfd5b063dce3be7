import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, startTestServer } from '../../../test-support/server.ts';
import { ConfigError, loadConfig } from './config.ts';

describe('GET /api/config', () => {
  it('when LANGUAGES is not set, then only Dutch is offered', async () => {
    const server = await startTestServer();
    try {
      const response = await api(server.url, '/api/config');
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { languages: ['nl'], retentionDays: 30, privacyUrl: null });
      assert.equal(server.app.config.accessLogDays, 365);
    } finally {
      await server.cleanup();
    }
  });

  it('when a facility municipality sets LANGUAGES=nl,fr, then both are offered, to any allowed origin, without a cookie', async () => {
    const server = await startTestServer({ env: { LANGUAGES: 'nl, fr', ALLOWED_ORIGINS: 'https://www.wilsede.be' } });
    try {
      const response = await api(server.url, '/api/config', { headers: { origin: 'https://www.wilsede.be' } });
      assert.deepEqual(response.body.languages, ['nl', 'fr']);
      assert.equal(response.headers.get('access-control-allow-origin'), 'https://www.wilsede.be');
      assert.equal(response.headers.get('set-cookie'), null);
    } finally {
      await server.cleanup();
    }
  });

  it('when RETENTION_DAYS and PRIVACY_URL are set, then the widget learns both for its privacy notice', async () => {
    const server = await startTestServer({ env: { RETENTION_DAYS: '45', PRIVACY_URL: 'https://www.wilsede.be/privacy' } });
    try {
      const response = await api(server.url, '/api/config');
      assert.deepEqual(response.body, { languages: ['nl'], retentionDays: 45, privacyUrl: 'https://www.wilsede.be/privacy' });
    } finally {
      await server.cleanup();
    }
  });

  it('when PRIVACY_URL is not an http(s) address, then the server refuses to start', () => {
    for (const value of ['javascript:alert(1)', 'www.wilsede.be/privacy', 'ftp://wilsede.be/privacy']) {
      assert.throws(() => loadConfig({ PRIVACY_URL: value }), (e: Error) => e instanceof ConfigError && /PRIVACY_URL: must be an http\(s\) address/.test(e.message), value);
    }
  });

  it('when ACCESS_LOG_DAYS is not a number of days, then the server refuses to start', () => {
    for (const value of ['0', 'a year', '-5']) {
      assert.throws(() => loadConfig({ ACCESS_LOG_DAYS: value }), (e: Error) => e instanceof ConfigError && /ACCESS_LOG_DAYS/.test(e.message), value);
    }
  });

  it('when LANGUAGES names an unknown language, then the server refuses to start', () => {
    for (const value of ['nl,es', ' , ']) {
      assert.throws(() => loadConfig({ LANGUAGES: value }), (e: Error) => e instanceof ConfigError && /LANGUAGES: must be a comma-separated list of nl, fr, en, de/.test(e.message), value);
    }
  });
});
