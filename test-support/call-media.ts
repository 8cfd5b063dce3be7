import type { Page } from 'playwright-core';
import { eventually } from './uploads.ts';

/**
 * What a call page receives, measured the same way in every engine: remote video tiles with decoded
 * frames, and the loudness of a remote participant's audio as the page hears it.
 */

/** The remote tiles of a call page (the own preview is `data-peer="self"`); locators pierce shadow roots. */
export const remoteVideos = (page: Page) => page.locator('video[data-peer]:not([data-peer="self"])');

/**
 * The frames each video showed so far. Firefox leaves getVideoPlaybackQuality() at 0 for a
 * MediaStream (a live call), Chromium counts them there; requestVideoFrameCallback's
 * `presentedFrames` counts in both (and in WebKit), so it is asked when the first says 0.
 */
const shownFrames = (list: Element[]) =>
  Promise.all(
    list.map((element) => {
      const video = element as HTMLVideoElement;
      const counted = video.getVideoPlaybackQuality().totalVideoFrames;
      if (counted > 0 || video.videoWidth === 0 || !('requestVideoFrameCallback' in video)) return counted;
      return new Promise<number>((resolve) => {
        const timer = setTimeout(() => resolve(0), 1000);
        video.requestVideoFrameCallback((_now, metadata) => {
          clearTimeout(timer);
          resolve(metadata.presentedFrames);
        });
      });
    }),
  );

/** The frame counter of each remote video on the page. */
export const framesOf = (page: Page) => remoteVideos(page).evaluateAll(shownFrames);

/** Resolves when `count` remote videos on the page show decoded frames (a real picture arrived). */
export async function remoteFrames(page: Page, count: number) {
  await eventually(async () => (await framesOf(page)).filter((frames) => frames > 0).length >= count, `${count} remote video(s) with frames`);
}

/** Resolves when every remote video showed at least `more` new frames: the picture moves, not one still. */
export async function framesAdvance(page: Page, more = 10) {
  const before = await framesOf(page);
  await eventually(async () => (await framesOf(page)).every((n, i) => n > before[i]! + more), 'remote frames advancing');
}

/**
 * The loudest sample (0..1) of a remote participant's audio over two seconds, as the other side
 * hears it. Runs in the page: no named inner functions, since tsx would wrap them in a helper the
 * page lacks.
 */
export async function heardLevel(video: Element): Promise<number> {
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  context.createMediaStreamSource((video as HTMLVideoElement).srcObject as MediaStream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  let peak = 0;
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    analyser.getByteTimeDomainData(samples);
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128) / 128);
  }
  await context.close();
  return peak;
}

/** The codec of the page's incoming video (e.g. "video/VP8"), read from getStats() of the recorded connections. */
export const receivedVideoCodec = (page: Page) =>
  page.evaluate(async () => {
    for (const pc of (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
      const stats = await pc.getStats();
      for (const report of stats.values()) {
        if (report.type === 'inbound-rtp' && report.kind === 'video' && report.codecId) return (stats.get(report.codecId)?.mimeType as string) ?? '';
      }
    }
    return '';
  });

/** Keeps every RTCPeerConnection the page makes in `window.__pcs`; add with page.addInitScript. */
export const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const made = [];
  window.__pcs = made;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); made.push(this); }
  };
})();`;
