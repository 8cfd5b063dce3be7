import { html, nothing } from 'lit';
import type { StaffMessages } from '../i18n/messages.ts';
import type { AgendaItem, DevicePart, DevicePartResult } from '../types.ts';

const PARTS: readonly DevicePart[] = ['camera', 'microphone', 'speaker', 'network'];
const MARKS: Record<DevicePartResult, string> = { passed: '✓', failed: '✗', skipped: '–' };

/**
 * The citizen's device test per part, "camera ✓, microfoon ✗, …" (issue 11): which part failed
 * tells staff what to expect (no picture, or no sound). The marks are hidden from screen readers,
 * which read the words instead.
 */
export function renderDeviceParts(t: StaffMessages, parts: AgendaItem['readiness']['deviceParts']) {
  if (!parts) return nothing;
  return html`<span class="device-parts">${PARTS.map(
    (part, i) => html`${i ? ', ' : ''}<span data-part=${part} data-result=${parts[part]}>${t.agenda.deviceParts[part]}
        <span aria-hidden="true">${MARKS[parts[part]]}</span><span class="visually-hidden"> ${t.agenda.devicePartResult[parts[part]]}</span></span>`,
  )}</span>`;
}
