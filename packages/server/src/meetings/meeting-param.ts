/**
 * The `meeting` query parameter routes a meeting's signalling sockets and presence-dependent
 * requests to one instance: HAProxy hashes its raw value (deploy/haproxy.cfg, backend balie_meeting),
 * and the presence it answers with lives in that instance's memory. So it is checked as HAProxy reads
 * it, as text, before any decoding: `meeting=%61…` or `m%65eting=…` would hash elsewhere than the
 * sockets, and a second `meeting` would leave it to chance which one the proxy took.
 */
export const MEETING_PARAM = 'meeting';

/** A name as a query parser would decode it; a broken escape stays as written. */
function decodedName(raw: string) {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * Why the raw query string's `meeting` parameter does not route to `meetingId`, or undefined when it
 * does or is absent (a widget from before it still works, on one instance). Both `&` and `;` part
 * parameters here: HAProxy's url_param accepts either, our parsers only `&`; a `meeting` only one
 * of them sees counts as one more.
 */
export function meetingParamProblem(rawQuery: string, meetingId: string): string | undefined {
  const named = rawQuery.split(/[&;]/).filter((part) => {
    const name = part.split('=', 1)[0]!;
    return name === MEETING_PARAM || decodedName(name) === MEETING_PARAM;
  });
  if (named.length > 1) return 'The query parameter meeting may appear only once.';
  if (named.length === 1 && !rawQuery.split('&').includes(`${MEETING_PARAM}=${meetingId}`)) {
    return 'The query parameter meeting must be the id of this meeting, exactly as the join answered it (meetingId), not encoded.';
  }
  return undefined;
}
