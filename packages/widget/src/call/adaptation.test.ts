import { expect } from 'chai';
import { adaptSenders, REDUCED_SCALE, REDUCED_VIDEO_BPS } from './adaptation.ts';

/** A moving picture without a camera: a canvas whose colour changes every frame. */
function canvasTrack() {
  const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
  const ctx = canvas.getContext('2d')!;
  let hue = 0;
  const timer = setInterval(() => {
    ctx.fillStyle = `hsl(${(hue += 7) % 360} 80% 50%)`;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }, 40);
  const track = canvas.captureStream(25).getVideoTracks()[0]!;
  return { track, stop: () => (clearInterval(timer), track.stop()) };
}

/** Two peer connections in this page, connected to each other (host candidates on loopback). */
async function loopback(track: MediaStreamTrack) {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => void (e.candidate && b.addIceCandidate(e.candidate));
  b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate));
  const sender = a.addTrack(track, new MediaStream([track]));
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  const deadline = Date.now() + 10_000;
  while (a.connectionState !== 'connected') {
    if (Date.now() > deadline) throw new Error(`loopback stuck in ${a.connectionState}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { a, b, sender };
}

describe('send adaptation (RTCRtpSender.setParameters)', () => {
  it('reduced video caps the bitrate and the resolution of a real sender, and full lifts the cap', async () => {
    const video = canvasTrack();
    const { a, b, sender } = await loopback(video.track);
    try {
      expect(await adaptSenders(a, 'reduced', { interpreter: false })).to.equal(true);
      const reduced = sender.getParameters().encodings[0]!;
      expect(reduced.maxBitrate).to.equal(REDUCED_VIDEO_BPS);
      expect(reduced.scaleResolutionDownBy).to.equal(REDUCED_SCALE);
      expect(reduced.active).to.equal(true);
      expect(await adaptSenders(a, 'full', { interpreter: false })).to.equal(true);
      const full = sender.getParameters().encodings[0]!;
      expect(full.maxBitrate).to.equal(undefined);
      expect(full.scaleResolutionDownBy).to.equal(1);
    } finally {
      a.close();
      b.close();
      video.stop();
    }
  });

  it('each change starts from a fresh getParameters(): Chromium refuses a stale parameters object, the helper still applies audio only', async () => {
    const video = canvasTrack();
    const { a, b, sender } = await loopback(video.track);
    try {
      const stale = sender.getParameters();
      expect(await adaptSenders(a, 'reduced', { interpreter: true })).to.equal(true);
      let refused: unknown;
      await sender.setParameters(stale).catch((error: unknown) => (refused = error));
      // The engine difference the helper is written for: Chromium follows the spec and refuses an
      // object from an earlier task; Firefox ESR 153 takes it. Should Firefox start refusing too, this
      // line fails and the README's list of engine differences needs updating.
      if (navigator.userAgent.includes('Firefox/')) expect(refused, 'Firefox takes an old transactionId').to.equal(undefined);
      else expect(refused, 'Chromium refuses an old transactionId').to.be.instanceOf(DOMException);
      expect(await adaptSenders(a, 'audio-only', { interpreter: true })).to.equal(true);
      const off = sender.getParameters().encodings[0]!;
      expect(off.active).to.equal(false);
    } finally {
      a.close();
      b.close();
      video.stop();
    }
  });
});
