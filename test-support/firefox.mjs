// Debian's Firefox ESR for the e2e tests, driven by playwright-core over WebDriver BiDi (channel
// "moz-firefox"; Playwright's own patched Firefox cannot be downloaded here). Playwright starts
// firefox-bidi.mjs, which starts Firefox and relays BiDi (see there why).
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const firefoxLauncher = new URL('./firefox-bidi.mjs', import.meta.url).pathname;

/**
 * What Chromium's flags do (../shared/DESIGN.md), as Firefox preferences: a fake camera (a picture
 * whose colour changes every frame) and microphone (a 1 kHz tone), no permission prompt, and ICE on
 * loopback with plain host candidates (no mDNS names), so two browsers on this machine can connect.
 */
export const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.no_host': false,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.link_local': true,
  // These machines have no sound card. Chromium's headless mode brings a fake audio output; Firefox
  // does not, and without one every AudioContext stays "suspended" for ever: the microphone meter
  // reads silence and no sound plays. Firefox's mock audio backend (its own tests use it) runs them.
  'media.cubeb.force_mock_context': true,
  // Nothing phones home during a test run.
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
};
