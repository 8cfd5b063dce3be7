import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { book, offeredStarts } from '../test-support/booking.ts';
import { startCallAsStaff } from '../test-support/call-journey.ts';
import { heardLevel } from '../test-support/call-media.ts';
import { brokenDeviceFiles } from '../test-support/fake-devices.ts';
import { sentMails } from '../test-support/outbox.ts';
import { DEMO_PASSWORD, staffEmail } from '../test-support/staff.ts';
import { testClock } from '../test-support/server.ts';
import { startWebhookReceiver } from '../test-support/webhook-receiver.ts';
import { startJourney } from './support.ts';

// Booked on Sunday for Monday in Brussels: the device-test link works days before; the meeting
// opens a quarter of an hour before 09:00 (08:00Z).
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';
const MONDAY_MORNING = '2027-03-01T06:00:00Z';
const SECRET = 'test-webhook-secret-0123456789';
/** The microphone check gives up after 6 s of silence; a loaded machine gets room on top. */
const SLOW = { timeout: 40_000 };

type Journey = Awaited<ReturnType<typeof startJourney>>;
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Keeps every RTCPeerConnection and every getUserMedia request of the page, for the test to inspect. */
const RECORD_MEDIA = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
  window.__gum = [];
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => { window.__gum.push(JSON.stringify(constraints)); return gum(constraints); };
})();`;

/** A journey whose Chromium has the broken devices of `only` (both when not given), a webhook receiver, and a temp dir for the files. */
async function brokenJourney(only?: 'camera') {
  const dir = mkdtempSync(join(tmpdir(), 'balie-fake-devices-'));
  const hooks = await startWebhookReceiver();
  const journey = await startJourney({ clock: testClock(SUNDAY), env: { WEBHOOK_URL: hooks.url, WEBHOOK_SECRET: SECRET } }, brokenDeviceFiles(dir, only));
  return {
    journey,
    hooks,
    async close() {
      await journey.close();
      await hooks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Books Monday's first video time with An (the agenda she opens) for `name`. */
async function bookMonday(journey: Journey, name: string, email: string) {
  const start = (await offeredStarts(journey.server, 'channel=video&from=2027-03-01&days=1'))[0]!;
  return book(journey.server, { start, channel: 'video', locationId: null }, { citizen: { name, email } });
}

/** Runs the device test until the parts are known and the citizen goes on; the ways forward show. */
async function failDeviceTest(page: Page, broken: ('camera' | 'microphone')[]) {
  await page.getByRole('button', { name: 'Camera en microfoon aanzetten' }).click();
  for (const part of broken) await page.locator(`balie-device-check li[data-part="${part}"][data-state="failed"]`).waitFor(SLOW);
  await page.getByRole('button', { name: 'Testgeluid afspelen' }).click();
  await page.getByRole('button', { name: 'Ja', exact: true }).click();
  await page.getByRole('button', { name: 'Naar de wachtkamer' }).click();
  await page.getByRole('heading', { name: /^Niet alles werkte\./ }).waitFor();
  await page.getByText('U kunt toch geholpen worden.').waitFor();
}

const stored = (journey: Journey, id: string) =>
  journey.server.app.db.q
    .selectFrom('appointments')
    .select(['channel', 'location_id as locationId', 'citizen_phone as phone', 'device_fallback as fallback'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

/** The webhook announcing the way forward the citizen chose for appointment `id`. */
async function fallbackHook(hooks: Receiver, id: string) {
  const [hook] = await hooks.waitFor(1, (h) => JSON.parse(h.body).type === 'appointment.device-fallback' && JSON.parse(h.body).data.appointmentId === id, 10_000);
  return JSON.parse(hook!.body).data as { fallback: string; channel: string };
}

/** An's agenda for the whole team on the server's today (`morning`; unchanged when null): the row of `name`. */
async function agendaRow(journey: Journey, name: string, morning: string | null = MONDAY_MORNING) {
  if (morning) journey.server.clock.set(morning);
  const staff = await journey.page();
  await staff.goto(`${journey.server.url}/medewerker`);
  await staff.getByLabel('E-mailadres').fill(staffEmail.an);
  await staff.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
  await staff.getByRole('button', { name: 'Aanmelden' }).click();
  await staff.getByLabel('Afspraken van').selectOption({ label: 'Het hele team' });
  const row = staff.getByRole('row', { name: new RegExp(name.split(' ')[0]!) });
  await row.waitFor();
  return { staff, row };
}

describe('a way forward: a black camera, a working microphone, audio only', () => {
  let setup: Awaited<ReturnType<typeof brokenJourney>>;
  before(async () => {
    setup = await brokenJourney('camera');
  });
  after(() => setup.close());

  it('when the citizen goes on with audio only, then no camera is asked for, the call connects, staff hear her and see "alleen geluid", and the webhook says so', async () => {
    const { journey, hooks } = setup;
    const { id, token } = await bookMonday(journey, 'Marie Claes', 'marie@example.org');
    journey.server.clock.set(JUST_BEFORE);
    const citizen = await journey.page();
    await citizen.addInitScript({ content: RECORD_MEDIA });
    await citizen.goto(`${journey.server.url}/?balie=${token}`);
    await citizen.getByRole('button', { name: 'Naar het videogesprek' }).click();
    await citizen.getByRole('button', { name: 'Beginnen' }).click();
    await failDeviceTest(citizen, ['camera']);
    await citizen.getByRole('button', { name: 'Verder met alleen geluid' }).click();
    await citizen.getByRole('heading', { name: 'U bent in de wachtkamer' }).waitFor();
    assert.equal((await stored(journey, id)).fallback, 'audio-only');
    assert.deepEqual(JSON.parse((await citizen.evaluate(() => (window as unknown as { __gum: string[] }).__gum)).at(-1)!).video, false, 'the call asks for no camera');
    assert.equal((await fallbackHook(hooks, id)).fallback, 'audio-only');

    const { row } = await agendaRow(journey, 'Marie Claes', null);
    await row.locator('[data-fallback="audio-only"]').filter({ hasText: 'Alleen geluid na mislukte toesteltest' }).waitFor();
    const staff = await journey.page();
    await startCallAsStaff(staff, journey.server.url);
    await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
    await staff.getByText('Marie Claes neemt deel met alleen geluid').waitFor({ timeout: 30_000 });

    // Staff hear her: the fake microphone's beep arrives (Chromium's default fake audio beeps every second).
    const remote = staff.locator('video[data-peer]:not([data-peer="self"])').first();
    await remote.waitFor({ state: 'attached', timeout: 30_000 });
    let level = 0;
    for (let attempt = 0; attempt < 10 && level < 0.05; attempt++) {
      level = await remote.evaluate(heardLevel);
    }
    assert.ok(level > 0.05, `staff hear the citizen (peak ${level})`);

    // And she sends no picture: no video track on any connection, not one video byte out.
    const sent = await citizen.evaluate(async () => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
      let videoTracks = 0;
      let videoBytes = 0;
      let audioBytes = 0;
      for (const pc of pcs) {
        videoTracks += pc.getSenders().filter((s) => s.track?.kind === 'video').length;
        (await pc.getStats()).forEach((report: { type: string; kind?: string; bytesSent?: number }) => {
          if (report.type !== 'outbound-rtp') return;
          if (report.kind === 'video') videoBytes += report.bytesSent ?? 0;
          else audioBytes += report.bytesSent ?? 0;
        });
      }
      return { videoTracks, videoBytes, audioBytes };
    });
    assert.deepEqual({ videoTracks: sent.videoTracks, videoBytes: sent.videoBytes }, { videoTracks: 0, videoBytes: 0 });
    assert.ok(sent.audioBytes > 0, 'sound goes out');
  });
});

describe('a way forward days before: a black camera and a silent microphone', () => {
  let setup: Awaited<ReturnType<typeof brokenJourney>>;
  before(async () => {
    setup = await brokenJourney();
  });
  after(() => setup.close());

  /** Opens the device-test link from the confirmation mail, on Sunday, and fails the test. */
  async function failDaysBefore(token: string) {
    const page = await setup.journey.page();
    await page.goto(`${setup.journey.server.url}/?balie=${token}&balie-stap=toestel`);
    await page.getByRole('heading', { name: 'Test uw camera en microfoon' }).waitFor();
    await failDeviceTest(page, ['camera', 'microphone']);
    return page;
  }

  it('when the citizen asks to be called, then she reads who calls which number when, the appointment is a phone call, the mail says so, and staff see the tel: link and the flag', async () => {
    const { journey, hooks } = setup;
    const { id, token } = await bookMonday(journey, 'Georgette Willems', 'georgette@example.org');
    const page = await failDaysBefore(token);
    await page.getByRole('button', { name: 'Bel mij op' }).click();
    await page.getByRole('heading', { name: 'Op welk nummer mogen we u bellen?' }).waitFor();
    // A number that is none is caught at the field, before anything changes.
    await page.getByLabel('Uw telefoonnummer').fill('12345');
    await page.getByRole('button', { name: 'Bel mij op dit nummer' }).click();
    await page.getByText('Vul een geldig telefoonnummer in').waitFor();
    assert.equal((await stored(journey, id)).channel, 'video');
    await page.getByLabel('Uw telefoonnummer').fill('0470 12 34 56');
    await page.getByRole('button', { name: 'Bel mij op dit nummer' }).click();
    const done = page.getByRole('heading', { name: /^Een medewerker belt u op \+32 470 12 34 56 op maandag 1 maart/ });
    await done.waitFor();
    assert.match(await done.innerText(), /U krijgt hierover een e-mail\.$/);
    assert.deepEqual(await stored(journey, id), { channel: 'phone', locationId: null, phone: '+32470123456', fallback: 'phone' });

    const mail = (await sentMails(journey.server)).filter((m) => m.to === 'georgette@example.org').at(-1)!;
    assert.match(mail.subject, /^Uw afspraak is gewijzigd: Mantelzorgpremie/);
    assert.match(mail.text, /Een medewerker belt u op \+32 470 12 34 56 op maandag 1 maart 2027 om /);
    const hook = await fallbackHook(hooks, id);
    assert.deepEqual([hook.fallback, hook.channel], ['phone', 'phone']);

    const { row } = await agendaRow(journey, 'Georgette Willems');
    assert.equal(await row.locator('a[href="tel:+32470123456"]').innerText(), '+32 470 12 34 56');
    await row.locator('[data-fallback="phone"]').filter({ hasText: 'Gewisseld naar telefoon na mislukte toesteltest' }).waitFor();
  });

  it('when the citizen comes to the counter instead, then the appointment moves to a free counter time, the mail says where, and staff see the flag', async () => {
    const { journey, hooks } = setup;
    journey.server.clock.set(SUNDAY);
    const { id, token } = await bookMonday(journey, 'Maarten Peeters', 'maarten@example.org');
    const page = await failDaysBefore(token);
    await page.getByRole('button', { name: 'Naar het loket komen' }).click();
    await page.getByRole('heading', { name: 'Kies een uur aan het loket' }).waitFor();
    const counters = page.getByRole('group', { name: 'Naar welk loket wilt u komen?' });
    if (await counters.count()) await counters.getByRole('radio').first().check();
    await page.getByRole('radio', { name: / om \d\d:\d\d$/ }).first().check();
    await page.getByRole('button', { name: /^Naar het loket op / }).click();
    await page.getByRole('heading', { name: /^Uw afspraak is nu aan het loket: .*U krijgt hierover een e-mail\.$/ }).waitFor();
    const now = await stored(journey, id);
    assert.equal(now.channel, 'counter');
    assert.ok(now.locationId, 'at a counter');
    assert.equal(now.fallback, 'counter');

    const mail = (await sentMails(journey.server)).filter((m) => m.to === 'maarten@example.org').at(-1)!;
    assert.match(mail.subject, /^Uw afspraak is verplaatst: Mantelzorgpremie/);
    assert.match(mail.text, /U komt naar het loket/);
    assert.equal((await fallbackHook(hooks, id)).fallback, 'counter');

    // The first free counter time may be another day: the agenda opens on the server's today.
    const { start_at: startAt } = await journey.server.app.db.q.selectFrom('appointments').select('start_at').where('id', '=', id).executeTakeFirstOrThrow();
    const { row } = await agendaRow(journey, 'Maarten Peeters', `${startAt.slice(0, 10)}T05:00:00Z`);
    await row.locator('[data-fallback="counter"]').filter({ hasText: 'Gewisseld naar loket na mislukte toesteltest' }).waitFor();
  });
});
