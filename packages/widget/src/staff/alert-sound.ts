/**
 * A short two-tone chime made with WebAudio: no audio file to fetch, nothing for the CSP to allow.
 * Browsers only let a page make sound after a user gesture, so `prime()` runs on the sign-in and
 * mute clicks; a console restored without any click stays silent until the first one.
 */
let context: AudioContext | undefined;

export function primeSound() {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
  } catch {
    // No WebAudio (or blocked): the visual alert still shows.
  }
}

export function chime() {
  primeSound();
  if (!context || context.state !== 'running') return false;
  const start = context.currentTime;
  [880, 660].forEach((frequency, i) => {
    const at = start + i * 0.18;
    const oscillator = context!.createOscillator();
    const gain = context!.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
    oscillator.connect(gain).connect(context!.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.17);
  });
  return true;
}

const MUTE_KEY = 'digitale-balie-medewerker:muted';

export const soundMuted = () => globalThis.localStorage?.getItem(MUTE_KEY) === 'true';
export function setSoundMuted(muted: boolean) {
  try {
    localStorage.setItem(MUTE_KEY, String(muted));
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}
