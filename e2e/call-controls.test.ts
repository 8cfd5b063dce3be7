import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { book, offeredStarts } from '../test-support/booking.ts';
import { enterWaitingRoom, startCallAsStaff } from '../test-support/call-journey.ts';
import { heardLevel } from '../test-support/call-media.ts';
import { testClock } from '../test-support/server.ts';
import { startJourney } from './support.ts';

// Book on Sunday 28 February 2027 for Monday 09:00 in Brussels (08:00Z); join ten minutes before.
const SUNDAY = '2027-02-28T12:00:00Z';
const JUST_BEFORE = '2027-03-01T07:50:00Z';

/** Keeps every RTCPeerConnection the page makes in `window.__pcs`, for the test to read its senders. */
const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const made = [];
  window.__pcs = made;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); made.push(this); }
  };
})();`;

/** The one remote picture on a page (a call of two). */
const remoteVideo = (page: Page) => page.locator('video[data-peer]:not([data-peer="self"])');

/** Decoded frames of the remote picture so far. */
const framesOf = (page: Page) => remoteVideo(page).evaluate((v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);

/** Mean luminance (0..255) of the remote picture as drawn now: Chromium's fake camera is bright, a camera that is off is black. */
const brightnessOf = (page: Page) =>
  remoteVideo(page).evaluate((v) => {
    const video = v as HTMLVideoElement;
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d')!;
    context.drawImage(video, 0, 0, 64, 48);
    const { data } = context.getImageData(0, 0, 64, 48);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
    return sum / (data.length / 4);
  });

/** The label and device id of what the citizen's connection sends, per kind. */
const sentTracks = (page: Page) =>
  page.evaluate(() =>
    ((window as unknown as { __pcs: RTCPeerConnection[] }).__pcs ?? [])
      .filter((pc) => pc.connectionState === 'connected')
      .flatMap((pc) => pc.getSenders())
      .filter((s) => s.track)
      .map((s) => ({ kind: s.track!.kind, label: s.track!.label, deviceId: s.track!.getSettings().deviceId ?? '', live: s.track!.readyState === 'live' })),
  );

/** The loudest sample (0..1) the page hears from the remote picture's audio over two seconds (the fake microphone beeps each second). */
const heardLevelOf = (page: Page) => remoteVideo(page).evaluate(heardLevel);

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** New frames keep arriving at `page`: the picture did not freeze. */
async function framesKeepComing(page: Page, what: string) {
  const start = await framesOf(page);
  await eventually(async () => (await framesOf(page)) > start + 10, what);
}

/** Moves a range slider with the keyboard, as a person without a mouse would. */
async function slideDown(slider: Locator, steps: number) {
  await slider.focus();
  for (let i = 0; i < steps; i++) await slider.press('ArrowLeft');
}

/**
 * The buttons in a call, pressed as a person would (issue 11): volume, camera off and on, another
 * camera and another microphone mid-call. Each checks what the other side sees or hears.
 * Chromium's fake devices: three microphones always; cameras with `device-count=3`, of which
 * fake_device_1 is a Y16 depth camera that WebRTC does not encode (nothing arrives from it even in a
 * bare RTCPeerConnection pair), so the switch goes to fake_device_2 (MJPEG, like most webcams).
 */
describe('call controls: volume, camera off, switching camera and microphone', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  let citizen: Page;
  let staff: Page;
  before(async () => {
    journey = await startJourney({ clock: testClock(SUNDAY) }, ['--use-fake-device-for-media-stream=device-count=3']);
    const server = journey.server;
    const start = (await offeredStarts(server, 'channel=video&from=2027-03-01&days=1'))[0]!;
    const { token } = await book(server, { start, channel: 'video', locationId: null });
    server.clock.set(JUST_BEFORE);
    [citizen, staff] = [await journey.page(), await journey.page()];
    await citizen.addInitScript({ content: RECORD_PEER_CONNECTIONS });
    await enterWaitingRoom(citizen, server.url, token);
    await startCallAsStaff(staff, server.url);
    await staff.getByRole('button', { name: /Marie Claes binnenlaten/ }).click();
    await citizen.getByRole('button', { name: 'Gesprek verlaten' }).waitFor();
    await Promise.all([framesKeepComing(citizen, 'the picture at the citizen'), framesKeepComing(staff, 'the picture at the civil servant')]);
  });
  after(() => journey.close());

  it('turns the other person down with the volume slider, on the citizen page and in the staff call', async () => {
    for (const [page, other] of [
      [citizen, 'An Peeters'],
      [staff, 'Marie Claes'],
    ] as const) {
      const slider = page.getByRole('slider', { name: `Volume van ${other}` });
      assert.equal(await remoteVideo(page).evaluate((v) => (v as HTMLVideoElement).volume), 1);
      await slideDown(slider, 10);
      assert.equal(await slider.inputValue(), '0.5');
      assert.equal(await remoteVideo(page).evaluate((v) => (v as HTMLVideoElement).volume), 0.5);
      await slider.press('End');
      assert.equal(await remoteVideo(page).evaluate((v) => (v as HTMLVideoElement).volume), 1);
    }
  });

  it('turns the camera off: the button is pressed, the other side sees the picture stop and says so; on again, it moves', async () => {
    const button = citizen.getByRole('button', { name: 'Camera uit' });
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    assert.ok((await brightnessOf(staff)) > 40, 'the fake camera shows a picture');
    await button.click();
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    await citizen.getByText('Uw camera staat uit').waitFor();

    // What the civil servant sees: a plain statement instead of a frozen or black picture…
    await staff.getByText('Marie Claes heeft de camera uitgezet').waitFor();
    // …and behind it the picture has really gone black (a disabled track sends black frames).
    await eventually(async () => (await brightnessOf(staff)) < 5, 'a black picture at the civil servant');

    await button.click();
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    await staff.getByText('Marie Claes heeft de camera uitgezet').waitFor({ state: 'detached' });
    await eventually(async () => (await brightnessOf(staff)) > 40, 'the picture back at the civil servant');
    await framesKeepComing(staff, 'frames after the camera is on again');
  });

  it('switches to the other camera mid-call: the connection sends the new camera, the other side keeps seeing a moving picture', async () => {
    const camera = citizen.getByRole('combobox', { name: 'Camera' });
    const options = await camera.locator('option').allTextContents();
    assert.deepEqual(options, ['fake_device_0', 'fake_device_1', 'fake_device_2']);
    const before = (await sentTracks(citizen)).find((t) => t.kind === 'video')!;
    assert.equal(before.label, 'fake_device_0');

    await camera.selectOption({ label: 'fake_device_2' });
    await eventually(async () => (await sentTracks(citizen)).some((t) => t.kind === 'video' && t.label === 'fake_device_2'), 'the new camera on the connection');
    const after = (await sentTracks(citizen)).find((t) => t.kind === 'video')!;
    assert.notEqual(after.deviceId, before.deviceId);
    assert.ok(after.live);
    // The choice shows the camera in use, and the civil servant's picture keeps moving.
    assert.equal(await camera.evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent), 'fake_device_2');
    await framesKeepComing(staff, 'frames from the new camera');
    assert.ok((await brightnessOf(staff)) > 40, 'a picture, not black');
  });

  it('switches to another microphone mid-call: the connection sends it and the other side still hears the citizen', async () => {
    const microphone = citizen.getByRole('combobox', { name: 'Microfoon' });
    const before = (await sentTracks(citizen)).find((t) => t.kind === 'audio')!;
    await microphone.selectOption({ label: 'Fake Audio Input 2' });
    await eventually(async () => (await sentTracks(citizen)).some((t) => t.kind === 'audio' && t.label === 'Fake Audio Input 2'), 'the new microphone on the connection');
    const after = (await sentTracks(citizen)).find((t) => t.kind === 'audio')!;
    assert.notEqual(after.deviceId, before.deviceId);
    assert.ok(after.live);
    assert.ok((await heardLevelOf(staff)) > 0.05, 'the civil servant hears the new microphone');
  });
});
