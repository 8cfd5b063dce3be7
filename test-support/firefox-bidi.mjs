#!/usr/bin/env node
// Playwright starts this file as "Firefox": it starts Debian's firefox-esr with the same arguments
// and stands between Playwright's WebDriver BiDi client and Firefox's BiDi server.
//
// Why: playwright-core drives Firefox over BiDi (channel "moz-firefox") but targets current
// Firefox releases. Firefox ESR 153 does not know two emulation commands Playwright sends for every
// new context and page (emulation.setMediaFeaturesOverride, emulation.setScreenSettingsOverride:
// "unknown command"), so every newContext() would fail. The tests need neither (no colour-scheme or
// screen-size emulation), so this relay answers exactly those commands with an empty success and
// passes every other message through untouched. Any other unknown command still fails loudly.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import WebSocket from 'ws';

const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const ANSWERED_HERE = new Set(['emulation.setMediaFeaturesOverride', 'emulation.setScreenSettingsOverride']);

const firefox = spawn(firefoxPath, process.argv.slice(2), { stdio: ['ignore', 'inherit', 'pipe'] });
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => firefox.kill(signal));

let buffered = '';
firefox.stderr.on('data', (chunk) => {
  buffered += chunk.toString();
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    const listening = /WebDriver BiDi listening on (ws:\/\/\S+)$/.exec(line);
    if (listening) relay(listening[1]);
    else process.stderr.write(`${line}\n`);
  }
});

function relay(upstreamBase) {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocket.Server({ server: http });
  wss.on('connection', (client, request) => {
    const upstream = new WebSocket(upstreamBase + request.url);
    const early = [];
    upstream.on('open', () => early.splice(0).forEach((message) => upstream.send(message)));
    upstream.on('message', (data) => client.send(data.toString()));
    upstream.on('close', () => client.close());
    client.on('close', () => upstream.close());
    client.on('message', (data) => {
      const text = data.toString();
      const message = JSON.parse(text);
      if (ANSWERED_HERE.has(message.method)) {
        client.send(JSON.stringify({ type: 'success', id: message.id, result: {} }));
        return;
      }
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else early.push(text);
    });
  });
  http.listen(0, '127.0.0.1', () => {
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${http.address().port}\n`);
  });
}
