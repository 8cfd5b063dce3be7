/**
 * Measurements for the device test (issue 11): a permission alone proves nothing, so each part
 * checks what the citizen's device really delivers. Plain functions, no state: the device-test
 * controller runs them and keeps the outcome.
 */

/** A pixel this bright (0..1, Rec. 709 luma) shows something; a covered or dead camera stays below. */
const VISIBLE_LUMA = 0.1;
/** The share of visible pixels a picture needs: a few hot pixels on a black sensor are not a picture. */
const VISIBLE_SHARE = 0.02;

export interface PictureSample {
  /** Video frames that arrived while sampling. */
  frames: number;
  /** Whether any sampled picture had enough visible pixels. */
  visible: boolean;
}

/**
 * Looks at the camera picture in a tiny canvas a few times over `durationMs`: do frames arrive, and
 * is there anything in them but black? Drawing a MediaStream's video into a canvas is same-origin
 * and needs no CSP source, so this works under the strictest policy.
 */
export async function samplePicture(video: HTMLVideoElement, durationMs = 2000, samples = 6): Promise<PictureSample> {
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let frames = 0;
  let watching = true;
  // A frozen camera keeps showing its last picture: count frames as they are presented, where the
  // browser can tell us (requestVideoFrameCallback), and otherwise by the playback counter.
  const byCallback = 'requestVideoFrameCallback' in video;
  const count = () => {
    if (!watching) return;
    frames++;
    video.requestVideoFrameCallback(count);
  };
  if (byCallback) video.requestVideoFrameCallback(count);
  const playedBefore = video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
  let visible = false;
  for (let i = 0; i < samples; i++) {
    await new Promise((resolve) => setTimeout(resolve, durationMs / samples));
    if (!context || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !video.videoWidth) continue;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    if (visibleShare(context.getImageData(0, 0, canvas.width, canvas.height).data) >= VISIBLE_SHARE) visible = true;
  }
  watching = false;
  const played = (video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0) - playedBefore;
  return { frames: Math.max(frames, played), visible };
}

/** The share of pixels (RGBA bytes) brighter than VISIBLE_LUMA. */
function visibleShare(rgba: Uint8ClampedArray) {
  let bright = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const luma = (0.2126 * rgba[i]! + 0.7152 * rgba[i + 1]! + 0.0722 * rgba[i + 2]!) / 255;
    if (luma > VISIBLE_LUMA) bright++;
  }
  return bright / (rgba.length / 4);
}

/** The median of `times` timed calls of `request` in ms, or undefined when one fails. */
export async function roundTrip(request: () => Promise<unknown>, times = 5): Promise<number | undefined> {
  const measured: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    try {
      await request();
    } catch {
      return undefined;
    }
    measured.push(performance.now() - start);
  }
  measured.sort((a, b) => a - b);
  return Math.round(measured[Math.floor(measured.length / 2)]!);
}

/**
 * Whether the TURN server hands this browser a relay candidate within `timeoutMs`: gathering with
 * `iceTransportPolicy: 'relay'` yields only relay candidates, so any candidate at all proves that
 * the relay route (address, port, credentials, firewall) works. No media is sent.
 */
export async function relayReachable(iceServers: RTCIceServer[], timeoutMs = 5000): Promise<boolean> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  try {
    const found = new Promise<boolean>((resolve) => {
      pc.addEventListener('icecandidate', (e) => {
        if (e.candidate?.candidate.includes(' typ relay')) resolve(true);
        else if (!e.candidate) resolve(false);
      });
      setTimeout(() => resolve(false), timeoutMs);
    });
    pc.createDataChannel('device-test');
    await pc.setLocalDescription(await pc.createOffer());
    return await found;
  } catch {
    return false;
  } finally {
    pc.close();
  }
}
