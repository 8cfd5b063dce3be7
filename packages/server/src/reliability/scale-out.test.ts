import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster, type Cluster } from '../../../../test-support/cluster.ts';
import { api, bookingBody } from '../../../../test-support/server.ts';
import { startSmtpListener } from '../../../../test-support/smtp.ts';
import { openPatch, tusClient } from '../../../../test-support/tus.ts';
import { pdfBytes, sha256 } from '../../../../test-support/uploads.ts';
import { startWebhookReceiver } from '../../../../test-support/webhook-receiver.ts';

/**
 * Issue 15: three instances as an operator runs them (deploy/haproxy.cfg, one PostgreSQL schema,
 * one shared UPLOAD_DIR), driven only through HAProxy, as citizens would. PostgreSQL stage only:
 * SQLite is one process by design.
 */
const skip = process.env.TEST_DATABASE_URL ? false : 'several instances need PostgreSQL: this runs in the server-pg stage';

/** A received webhook's event: { id, type, createdAt, data: { appointmentId, … } }. */
const eventOf = (hook: { body: string }) => JSON.parse(hook.body) as { id: string; type: string; data: { appointmentId: string } };

type Slot = { start: string; end: string; channel: string; locationId: string | null };
const MB = 1024 * 1024;

describe('scale-out: three instances behind HAProxy on one PostgreSQL database', { skip }, () => {
  let cluster: Cluster;
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

  before(async () => {
    smtp = await startSmtpListener();
    hooks = await startWebhookReceiver();
    cluster = await startCluster({ env: { SMTP_URL: smtp.url, WEBHOOK_URL: hooks.url, WEBHOOK_SECRET: 'a-webhook-secret-of-the-tests-0123456789' } });
  });
  after(async () => {
    await cluster?.stop();
    await smtp?.close();
    await hooks?.close();
  });

  const slots = async (query: string, serviceId = 'mantelzorgpremie'): Promise<Slot[]> => {
    const answer = await api(cluster.url, `/api/services/${serviceId}/slots?${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.slots;
  };

  describe('when 500 citizens book the same one-place slot at once, spread over the three', () => {
    const REQUESTS = 500;
    let statuses: Map<number, number>;
    let slot: Slot;
    before(async () => {
      // At the Gemeentehuis counter one civil servant works each afternoon (the demo's opening hours).
      slot = (await slots('channel=counter')).find((s) => s.locationId === 'gemeentehuis')!;
      assert.ok(slot, 'a counter slot at the Gemeentehuis');
      const answers = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) =>
          api(cluster.url, '/api/appointments', { body: bookingBody(slot, { citizen: { name: `Burger ${i}`, email: `race${i}@example.org` } }) }),
        ),
      );
      statuses = new Map();
      for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    });

    it('then exactly one gets 201 and every other one 409', () => {
      assert.deepEqual(Object.fromEntries(statuses), { 201: 1, 409: REQUESTS - 1 });
    });

    it('then every instance stops offering the slot', async () => {
      // Round robin: three listings land on three instances; each cache heard of the booking.
      for (let i = 0; i < 3; i += 1) {
        assert.ok(!(await slots('channel=counter')).some((s) => s.start === slot.start && s.locationId === slot.locationId), `listing ${i + 1}`);
      }
    });

    it('then the winner gets one confirmation mail and the integrator one webhook', async () => {
      const mails = await smtp.waitFor((mail) => /race\d+@example\.org/.test(mail.to ? JSON.stringify(mail.to) : ''), 1, 15_000);
      await sleep(1_000); // time for a duplicate from another instance to arrive
      assert.equal(smtp.mails.filter((mail) => /race\d+@example\.org/.test(JSON.stringify(mail.to ?? ''))).length, 1, 'one confirmation');
      assert.equal(mails.length, 1);
      await sleep(1_000);
      const booked = hooks.received.map(eventOf).filter((event) => event.type === 'appointment.booked');
      assert.equal(booked.length, 1, 'one webhook for the one booking');
    });
  });

  describe('when 30 citizens book different slots through the three instances', () => {
    let booked: string[];
    before(async () => {
      const free = (await slots('channel=video')).slice(0, 30);
      assert.equal(free.length, 30);
      const answers = await Promise.all(
        free.map((slot, i) => api(cluster.url, '/api/appointments', { body: bookingBody(slot, { citizen: { name: `Burger ${i}`, email: `many${i}@example.org` } }) })),
      );
      booked = answers.filter((answer) => answer.status === 201).map((answer) => answer.body.appointment.id);
    });

    it('then each gets exactly one confirmation mail and each booking exactly one webhook, whichever instance took it', async () => {
      assert.equal(booked.length, 30);
      await smtp.waitFor((mail) => /many\d+@example\.org/.test(JSON.stringify(mail.to ?? '')), 30, 20_000);
      const deadline = Date.now() + 20_000;
      const hooksFor = () => hooks.received.map(eventOf).filter((event) => event.type === 'appointment.booked' && booked.includes(event.data.appointmentId));
      while (hooksFor().length < 30 && Date.now() < deadline) await sleep(100);
      await sleep(2_000); // time for any duplicate to arrive
      const perAddress = new Map<string, number>();
      for (const mail of smtp.mails) {
        const to = JSON.stringify(mail.to ?? '');
        const address = /many\d+@example\.org/.exec(to)?.[0];
        if (address) perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      }
      assert.equal(perAddress.size, 30);
      assert.deepEqual([...perAddress.values()].filter((n) => n !== 1), [], 'no address got two confirmations');
      const ids = hooksFor().map((event) => event.id);
      assert.equal(ids.length, 30, 'one webhook per booking');
      assert.equal(new Set(ids).size, 30);
    });
  });

  describe('when the instance receiving an upload is killed mid-PATCH', () => {
    let token: string;
    let bytes: Buffer;
    let uploadUrl: string;
    let resumedFrom: number;
    before(async () => {
      const slot = (await slots('channel=video')).at(-1)!;
      const answer = await api(cluster.url, '/api/appointments', { body: bookingBody(slot, { citizen: { name: 'Roger Wouters', email: 'roger@example.org' } }) });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      token = answer.body.token;
      bytes = pdfBytes(6 * MB + 1234);
      // Created through HAProxy (any instance), then the bytes go straight to instance 1, which dies.
      const created = await tusClient(cluster.url, { token }).create(bytes.length, { filename: 'huurcontract.pdf' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      uploadUrl = created.url;
      const direct = new URL(uploadUrl);
      direct.port = String(cluster.instances[0]!.port);
      const patch = openPatch(direct.href, { token }, 0, bytes, 4 * MB);
      await patch.sent;
      await sleep(300); // let instance 1 write what it received
      await cluster.kill(1, 'SIGKILL');
      assert.equal(await patch.settled, 0, 'the PATCH was cut off by the kill');
    });
    after(() => cluster.restart(1).then(() => cluster.waitForState(1, 'UP')));

    it('then it resumes through HAProxy on another instance from the offset kept and ends byte-identical', async () => {
      const tus = tusClient(cluster.url, { token });
      // HAProxy may still try the dead instance once: its retries and redispatch answer from another.
      const head = await tus.head(uploadUrl);
      assert.equal(head.status, 200);
      resumedFrom = head.offset;
      assert.ok(resumedFrom > 0 && resumedFrom <= 4 * MB, `kept ${resumedFrom}`);
      const rest = await tus.patch(uploadUrl, resumedFrom, bytes.subarray(resumedFrom));
      assert.equal(rest.status, 204, JSON.stringify(rest.body));
      const list = await api(cluster.url, '/api/appointment/documents', { token });
      assert.equal(list.status, 200);
      assert.equal(list.body.documents.length, 1);
      const document = list.body.documents[0];
      const file = await fetch(`${cluster.url}/api/appointment/documents/${document.id}/file`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(file.status, 200);
      assert.equal(sha256(Buffer.from(await file.arrayBuffer())), sha256(bytes));
    });
  });

  describe('when all three restart one after another while a client books and lists steadily', () => {
    const outcomes = { ok: 0, conflicts: 0, failed: [] as string[] };
    before(async () => {
      const free = (await slots('channel=video')).slice(40);
      let next = 0;
      let running = true;
      const client = async (worker: number) => {
        while (running) {
          const step = next++;
          try {
            if (step % 2 === 0 && free[step / 2]) {
              const answer = await api(cluster.url, '/api/appointments', {
                body: bookingBody(free[step / 2]!, { citizen: { name: `Vaste ${worker}`, email: `steady${step}@example.org` } }),
              });
              if (answer.status === 201) outcomes.ok += 1;
              else if (answer.status === 409) outcomes.conflicts += 1;
              else outcomes.failed.push(`book ${answer.status} ${JSON.stringify(answer.body)}`);
            } else {
              const answer = await api(cluster.url, '/api/services/mantelzorgpremie/slots?channel=video');
              if (answer.status === 200) outcomes.ok += 1;
              else outcomes.failed.push(`slots ${answer.status}`);
            }
          } catch (error) {
            outcomes.failed.push(`network ${(error as Error).message}`);
          }
          await sleep(20);
        }
      };
      const clients = [1, 2, 3, 4].map(client);
      for (const index of [1, 2, 3]) {
        await cluster.kill(index, 'SIGTERM');
        await cluster.restart(index);
        await cluster.waitForState(index, 'UP');
      }
      running = false;
      await Promise.all(clients);
    });

    it('then no request failed', () => {
      assert.deepEqual(outcomes.failed, []);
      assert.ok(outcomes.ok > 100, `${outcomes.ok} requests answered`);
    });
  });
});
