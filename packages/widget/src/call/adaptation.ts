/**
 * What we send on one connection, tuned with RTCRtpSender.setParameters (no renegotiation, no new
 * track): full video, reduced video, or none at all. Speech always comes first (issue 14).
 * https://w3c.github.io/webrtc-pc/#dom-rtcrtpsender-setparameters
 */

export type SendStep = 'full' | 'reduced' | 'audio-only';

/** Reduced video: a cap that leaves a 300 kbit/s line room for speech (~50 kbit/s with headers) and its retransmissions. */
export const REDUCED_VIDEO_BPS = 200_000;
/** Reduced video is a quarter of the pixels (half the width and half the height). */
export const REDUCED_SCALE = 2;
/** Without an interpreter, reduced video also halves the frame rate: a face reads fine at 15. */
export const REDUCED_FPS = 15;

/** The encoding fields we set; `degradationPreference` is in Chromium and the spec but not in every lib.dom. */
type SendParameters = RTCRtpSendParameters & { degradationPreference?: 'balanced' | 'maintain-framerate' | 'maintain-resolution' };
type Encoding = RTCRtpEncodingParameters & { networkPriority?: RTCPriorityType };

/**
 * Applies a step to every sender of a connection. With an interpreter in the call the frame rate is
 * kept and the picture made smaller instead: sign language needs frames more than pixels.
 * Resolves false when a sender refused (e.g. a parameters change already in flight): try again later.
 */
export async function adaptSenders(pc: RTCPeerConnection, step: SendStep, opts: { interpreter: boolean }): Promise<boolean> {
  const done = await Promise.all(
    pc.getSenders().map(async (sender) => {
      const kind = sender.track?.kind;
      if (kind !== 'audio' && kind !== 'video') return true;
      // A fresh getParameters(), changed and handed back in the same task (no await between): the
      // spec drops the last returned parameters after the task, and Chromium (156 measured) and Safari
      // refuse a setParameters() with an older object or transactionId; Firefox ESR 153 still takes
      // one (adaptation.test.ts shows both). Every engine refuses `encodings` removed or resized. Before
      // a negotiation Safari and older Firefox releases list no encodings: nothing to cap yet, so count
      // it as refused and try again at the next reading (Chromium and Firefox ESR 153 already list one).
      const params = sender.getParameters() as SendParameters;
      const encodings = params.encodings as Encoding[] | undefined;
      if (!encodings?.length) return false;
      for (const encoding of encodings) {
        if (kind === 'audio') {
          // Speech first, within our own streams (bitrate share) and on the network (DSCP).
          encoding.priority = 'high';
          encoding.networkPriority = 'high';
          continue;
        }
        encoding.priority = 'low';
        encoding.networkPriority = 'low';
        encoding.active = step !== 'audio-only';
        if (step === 'reduced') {
          encoding.maxBitrate = REDUCED_VIDEO_BPS;
          encoding.scaleResolutionDownBy = REDUCED_SCALE;
          if (opts.interpreter) delete encoding.maxFramerate;
          else encoding.maxFramerate = REDUCED_FPS;
        } else {
          delete encoding.maxBitrate;
          delete encoding.maxFramerate;
          encoding.scaleResolutionDownBy = 1;
        }
      }
      if (kind === 'video') params.degradationPreference = opts.interpreter ? 'maintain-framerate' : 'balanced';
      return sender.setParameters(params).then(
        () => true,
        () => false,
      );
    }),
  );
  return done.every(Boolean);
}
