import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Koa from 'koa';
import { createEventBus } from '../events.ts';
import { liveAgenda } from './live-events.ts';

/** A bare Koa server with one stream route, so the heartbeat can be fast. */
async function streamServer(signedIn: () => Promise<boolean>) {
  const events = createEventBus();
  const live = liveAgenda(events, { heartbeatMs: 20 });
  const app = new Koa();
  app.use((ctx) => live.open(ctx, signedIn));
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const readUntil = async (pattern: RegExp) => {
    while (!pattern.test(text)) {
      const { done, value } = await reader.read();
      if (done) return false;
      text += decoder.decode(value, { stream: true });
    }
    return true;
  };
  const close = async () => {
    live.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { events, live, readUntil, close, text: () => text };
}

describe('live agenda stream', () => {
  it('when idle, then heartbeat comments flow; when the session ends, then the stream ends', async () => {
    let signedIn = true;
    const s = await streamServer(async () => signedIn);
    try {
      assert.ok(await s.readUntil(/: heartbeat\n\n/));
      assert.equal(s.live.size, 1);
      signedIn = false;
      assert.equal(await s.readUntil(/never/), false, 'the server ended the stream');
      assert.equal(s.live.size, 0);
    } finally {
      await s.close();
    }
  });

  it('when a domain event fires, then one agenda-changed frame with JSON data is written', async () => {
    const s = await streamServer(async () => true);
    try {
      s.events.emit('appointment.rescheduled', { appointmentId: 'a1', staffId: 'bart', startAt: '2027-03-01T08:00:00.000Z' });
      assert.ok(await s.readUntil(/event: agenda-changed\ndata: .*\n\n/));
      const data = /event: agenda-changed\ndata: (.*)\n\n/.exec(s.text())![1]!;
      assert.deepEqual(JSON.parse(data), { appointmentId: 'a1', staffId: 'bart', change: 'rescheduled' });
      s.live.close();
      assert.equal(s.events.listenerCount('appointment.rescheduled'), 0, 'close() detaches from the bus');
    } finally {
      await s.close();
    }
  });
});
