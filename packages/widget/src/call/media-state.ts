/**
 * Whether a participant's camera and microphone are on, as they tell the others over the data
 * channel: a disabled camera track still sends black frames, so the other side cannot tell "camera
 * off" from a dark room without being told (issue 11).
 */
export interface MediaState {
  kind: 'media';
  camera: boolean;
  microphone: boolean;
  /** Taking part without a camera at all (after a failed device test, or a weak connection): said so on the picture. */
  audioOnly?: boolean;
}

/** Three booleans and a kind: anything longer is not ours. */
const MAX_FRAME_BYTES = 128;

/** Reads a media state another participant sent; undefined for anything else (a chat message, junk). */
export function readMediaState(data: Uint8Array | string): MediaState | undefined {
  const size = typeof data === 'string' ? data.length : data.byteLength;
  if (size > MAX_FRAME_BYTES) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { kind, camera, microphone, audioOnly } = message as Record<string, unknown>;
  if (kind !== 'media' || typeof camera !== 'boolean' || typeof microphone !== 'boolean') return undefined;
  if (audioOnly !== undefined && typeof audioOnly !== 'boolean') return undefined;
  return { kind, camera, microphone, ...(audioOnly ? { audioOnly } : {}) };
}
