/**
 * Counts the page's getUserMedia calls and keeps the streams they opened. Import it before the
 * widget, so no call the widget makes, however early, goes round it.
 */
export const userMedia = { calls: 0, streams: [] as MediaStream[] };

const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
  userMedia.calls++;
  const stream = await original(constraints);
  userMedia.streams.push(stream);
  return stream;
};

/** The camera and microphone tracks still open. */
export const liveTracks = () => userMedia.streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live');
