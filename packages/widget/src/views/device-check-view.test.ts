import { liveTracks, userMedia } from '../test-support/user-media-spy.ts';
import { expect } from 'chai';
import '../index.ts';
import './device-check-view.ts';
import { clickButton, testServerUrl, waitFor } from '../test-support/dom.ts';
import type { BalieDeviceCheck } from './device-check-view.ts';

async function deviceCheck() {
  const el = document.createElement('balie-device-check');
  el.server = await testServerUrl();
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** The check after "Camera en microfoon aanzetten": the microphone list shows once the devices are open and listed. */
async function allowed(el: BalieDeviceCheck) {
  await clickButton(el.shadowRoot!, 'Camera en microfoon aanzetten');
  await waitFor(() => el.shadowRoot!.querySelector('#device-audioinput'), 'the device check with its microphone list', 15_000);
}

afterEach(() => {
  document.querySelectorAll('balie-device-check').forEach((el) => el.remove());
});

describe('device check: engine differences', () => {
  it('opens no camera or microphone until the citizen presses "Camera en microfoon aanzetten", then the preview plays', async () => {
    const before = userMedia.calls;
    const el = await deviceCheck();
    // Safari and Firefox on a phone may only ask from a user gesture, and nobody should find their camera on unasked.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(userMedia.calls - before, 'getUserMedia calls before the press').to.equal(0);
    expect(liveTracks(), 'open tracks before the press').to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('video')).to.equal(null);

    await allowed(el);
    expect(userMedia.calls - before, 'getUserMedia calls after the press').to.equal(1);
    const video = await waitFor(() => el.shadowRoot!.querySelector('video'), 'the camera preview');
    const start = await waitFor(() => !video.paused && video.readyState >= 2 && video.videoWidth > 0 && video.currentTime, 'the preview playing', 10_000);
    await waitFor(() => video.currentTime > start, 'the preview moving on', 5000);
    expect(liveTracks().map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);

    el.remove();
    expect(liveTracks(), 'tracks left open once the check is gone').to.deep.equal([]);
  });

  it('offers a speaker list only where media elements have setSinkId; without it (WebKit) says sound plays on the default speaker', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId');
    const speakers = async () => {
      const el = await deviceCheck();
      await allowed(el);
      return { select: el.shadowRoot!.querySelector('#device-audiooutput'), text: el.shadowRoot!.querySelector('[data-speaker="default"]')?.textContent };
    };

    // This engine as it is: a list whenever it names speakers (Chromium and Firefox ESR name their
    // fake and mock outputs here once the microphone is allowed).
    expect(descriptor, 'setSinkId in Chromium and Firefox ESR').to.not.equal(undefined);
    const listed = (await navigator.mediaDevices.enumerateDevices()).some((d) => d.kind === 'audiooutput');
    const native = await speakers();
    if (listed) {
      expect(native.select, 'the speaker list').to.not.equal(null);
      expect(native.text, 'no default-speaker text next to the list').to.equal(undefined);
    }
    document.querySelectorAll('balie-device-check').forEach((el) => el.remove());

    // An engine without setSinkId, as WebKit is: no list, even with speakers known, and the text instead.
    delete (HTMLMediaElement.prototype as Partial<HTMLMediaElement>).setSinkId;
    try {
      const without = await speakers();
      expect(without.select, 'no speaker list').to.equal(null);
      expect(without.text).to.include('Het geluid komt uit de standaardluidspreker van uw computer of telefoon.');
    } finally {
      Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', descriptor!);
    }
  });
});
