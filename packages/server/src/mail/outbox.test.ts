import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AddressObject, ParsedMail } from 'mailparser';
import { book } from '../../../../test-support/booking.ts';
import { api, freePort, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { startSmtpListener } from '../../../../test-support/smtp.ts';

const video = { start: '2027-03-30T07:00:00.000Z', channel: 'video', locationId: null } as const;
const queued = (server: TestServer) => server.app.db.q.selectFrom('mail_outbox').select(['kind', 'attempts', 'last_error as lastError']).execute();

describe('mail outbox', () => {
  describe('when the mail server is down while a citizen books, and the server restarts after it is back', () => {
    const clock = testClock('2027-03-25T09:00:00Z');
    let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
    let first: TestServer;
    let second: TestServer;
    let booked: { token: string; id: string };
    let confirmations: ParsedMail[];
    before(async () => {
      // Nothing listens on this port: every SMTP connection is refused.
      first = await startTestServer({ clock, env: { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` } });
      booked = await book(first, video);
      await first.app.booking.flush();
    });
    after(async () => {
      await first.stop();
      await second?.stop();
      await smtp?.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    });

    it('then the booking is answered 201 at once and its confirmation waits in the outbox with the error', async () => {
      const rows = await queued(first);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.kind, 'confirmation');
      assert.equal(rows[0]!.attempts, 1);
      assert.match(rows[0]!.lastError ?? '', /ECONNREFUSED/);
    });

    it('then after the restart the citizen gets exactly one confirmation, with a link that opens the appointment', async () => {
      await first.stop();
      smtp = await startSmtpListener();
      clock.advance(60_000); // past the first retry delay
      second = await startTestServer({ clock, dataDir: first.dataDir, env: { SMTP_URL: smtp.url } });
      confirmations = await smtp.waitFor((m) => /bevestigd/.test(m.subject ?? ''));
      await second.app.booking.flush();
      assert.equal(smtp.mails.length, 1);
      assert.equal((confirmations[0]!.to as AddressObject).value[0]!.address, 'marie@example.org');
      const link = /\?balie=([\w-]+)/.exec(confirmations[0]!.text ?? '')?.[1];
      assert.equal(link, booked.token);
      const opened = await api(second.url, '/api/appointment', { token: link });
      assert.equal(opened.status, 200);
      assert.equal(opened.body.id, booked.id);
      assert.deepEqual(await queued(second), []);
    });
  });
});
