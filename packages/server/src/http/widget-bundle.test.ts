import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../../../../test-support/server.ts';
import { paths } from '../app.ts';

/** One raw GET, bytes as sent: fetch would decompress them and hide what went over the wire. */
function rawGet(url: string, acceptEncoding: string): Promise<{ response: IncomingMessage; body: Buffer }> {
  return new Promise((done, fail) => {
    get(url, { agent: false, headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ response, body: Buffer.concat(chunks) }));
      response.on('error', fail);
    }).on('error', fail);
  });
}

describe('the widget bundle, served precompressed', { skip: !existsSync(paths.widgetDist) && 'the widget is not built (npm run build)' }, () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server?.stop());

  it('sends brotli, gzip or plain bytes as the browser accepts, the same script each time, and tells caches it varies', async () => {
    const url = `${server.url}/widget/digitale-balie.js`;
    const plain = await rawGet(url, 'identity');
    const br = await rawGet(url, 'br, gzip');
    const gz = await rawGet(url, 'gzip');
    assert.equal(plain.response.statusCode, 200);
    assert.equal(plain.response.headers['content-encoding'], undefined);
    assert.equal(br.response.headers['content-encoding'], 'br');
    assert.equal(gz.response.headers['content-encoding'], 'gzip');
    assert.ok(br.body.length < plain.body.length / 2, `brotli ${br.body.length} bytes vs ${plain.body.length} plain`);
    assert.deepEqual(brotliDecompressSync(br.body), plain.body);
    assert.deepEqual(gunzipSync(gz.body), plain.body);
    for (const { response } of [plain, br, gz]) {
      assert.match(String(response.headers.vary), /accept-encoding/i);
      assert.match(String(response.headers['content-type']), /javascript/);
    }
  });

  it('refuses a path that climbs out of the bundle, compressed or not', async () => {
    for (const path of ['/widget/..%2fpackage.json', '/widget/%2e%2e/%2e%2e/package.json', '/widget/digitale-balie.js.br/../../package.json']) {
      const { response, body } = await rawGet(`${server.url}${path}`, 'br, gzip');
      assert.ok([400, 403, 404].includes(response.statusCode!), `${path}: ${response.statusCode}`);
      assert.doesNotMatch(body.toString('latin1'), /"workspaces"/);
    }
  });
});
