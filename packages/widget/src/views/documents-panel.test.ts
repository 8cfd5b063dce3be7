import { expect } from 'chai';
import '../index.ts';
import type { DigitaleBalie } from '../digitale-balie.ts';
import type { BalieReadyEvent, BalieUploadCompletedEvent, BalieUploadProgressEvent } from '../events/index.ts';
import { bookVideo } from '../test-support/booking.ts';
import { clickButton, deep, deepAll, nextEvent, testServerUrl, waitFor } from '../test-support/dom.ts';
import type { BalieDocumentsPanel } from './documents-panel.ts';

let server: string;

/** Books a free video slot and returns the personal link token and the appointment id. */
async function booking(extra: Record<string, unknown> = {}) {
  server ??= await testServerUrl();
  const { body } = await bookVideo({
    days: 28,
    pick: 'any',
    overrides: { citizen: { name: 'Marie Claes', email: `marie-${Date.now()}@example.org` }, ...extra },
  });
  return { token: body.token as string, id: body.appointment.id as string };
}

/** The personal link in the last mail to `email` (the test runner serves the server's outbox). */
async function mailedToken(email: string) {
  for (let tries = 0; tries < 80; tries++) {
    const mails = (await (await fetch('/__balie-mailbox')).json()) as { to: string; text: string }[];
    const mail = mails.findLast((m) => m.to === email);
    if (mail) return /[?&]balie=([^&\s"]+)/.exec(mail.text)![1]!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail to ${email}`);
}

const pdf = (size = 300_000) => {
  const bytes = new Uint8Array(size);
  crypto.getRandomValues(bytes.subarray(0, 65536));
  bytes.set(new TextEncoder().encode('%PDF-1.7\n'));
  return new File([bytes], 'attest.pdf', { type: 'application/pdf' });
};
const sha256 = async (file: Blob) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Puts files on the panel's file input as the picker would. */
function choose(panel: BalieDocumentsPanel, files: File[], selector = '#file-input') {
  const input = panel.shadowRoot!.querySelector<HTMLInputElement>(selector)!;
  const transfer = new DataTransfer();
  files.forEach((f) => transfer.items.add(f));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
}

async function manage(token: string, on = server): Promise<{ el: DigitaleBalie; panel: BalieDocumentsPanel }> {
  const el = document.createElement('digitale-balie');
  el.setAttribute('server', on);
  el.setAttribute('appointment', token);
  const ready = nextEvent<BalieReadyEvent>(el, 'balie-ready');
  document.body.append(el);
  await ready;
  const panel = await waitFor(() => deep<BalieDocumentsPanel>(el, 'balie-documents-panel'), 'documents panel');
  await waitFor(() => panel.shadowRoot?.querySelector('#file-input'), 'the drop zone');
  return { el, panel };
}

afterEach(() => {
  document.querySelectorAll('digitale-balie, balie-documents-panel').forEach((el) => el.remove());
  localStorage.clear();
});

describe('documents panel', () => {
  describe('events', () => {
    it('uploads a file for a required document: progress, then completed with the server SHA-256, listed and ticked off', async () => {
      const { token } = await booking();
      const { el, panel } = await manage(token);
      const progress: BalieUploadProgressEvent[] = [];
      el.addEventListener('balie-upload-progress', (e) => progress.push(e));
      const completed = nextEvent<BalieUploadCompletedEvent>(el, 'balie-upload-completed', 15_000);
      const file = pdf();
      const ask = await waitFor(() => deepAll<HTMLButtonElement>(panel, 'button').find((b) => b.textContent?.includes('Bestand kiezen voor')), 'checklist button');
      ask.click();
      choose(panel, [file]);
      const { detail } = await completed;
      expect(detail.name).to.equal('attest.pdf');
      expect(detail.size).to.equal(file.size);
      expect(detail.sha256).to.equal(await sha256(file));
      expect(progress.at(-1)?.detail.bytesUploaded).to.equal(file.size);
      await waitFor(() => panel.shadowRoot!.querySelector(`li[data-document="${detail.id}"]`), 'the listed document');
      expect(panel.shadowRoot!.querySelector('.checklist li')!.getAttribute('data-provided')).to.equal('true');
      expect(Object.keys(localStorage).filter((k) => k.startsWith('tus::'))).to.deep.equal([], 'no resumable trace after success');
    });

    it('announces a document a companion added while the list is live', async () => {
      const companion = { name: 'Jan Claes', email: `jan-${Date.now()}@example.org`, role: 'carer' };
      const { token, id } = await booking({ companion });
      const panel = document.createElement('balie-documents-panel');
      Object.assign(panel, { server, access: { kind: 'link', appointmentId: id, token }, live: true });
      document.body.append(panel);
      await waitFor(() => panel.shadowRoot?.textContent?.includes('Er zijn nog geen documenten'), 'the empty list');
      const received = nextEvent<CustomEvent>(panel, 'documents-received', 15_000);
      const companionToken = await mailedToken(companion.email);
      const bytes = new TextEncoder().encode('Hierbij het attest.\n');
      const created = await fetch(`${server}/files`, {
        method: 'POST',
        headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${companionToken}`, 'upload-length': String(bytes.length), 'upload-metadata': `filename ${btoa('brief.txt')}` },
      });
      const patched = await fetch(new URL(created.headers.get('location')!, server), {
        method: 'PATCH',
        headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${companionToken}`, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: bytes,
      });
      expect(patched.status).to.equal(204);
      const { detail } = await received;
      expect(detail).to.include({ appointmentId: id, name: 'brief.txt', size: bytes.length, contentType: 'text/plain', from: 'companion' });
      await waitFor(() => panel.shadowRoot!.textContent?.includes('van een begeleider'), 'the companion document listed');
    });
  });

  describe('errors', () => {
    it('shows why the server refused a file, in Dutch', async () => {
      const { token } = await booking();
      const { panel } = await manage(token);
      const exe = new Uint8Array(1024);
      exe.set(new TextEncoder().encode('MZ'));
      choose(panel, [new File([exe], 'factuur.pdf', { type: 'application/pdf' })]);
      const alert = await waitFor(() => panel.shadowRoot!.querySelector('.uploads .error'), 'the refusal', 15_000);
      expect(alert.textContent).to.include('Dit soort bestand kunnen we niet aannemen');
      expect(panel.shadowRoot!.querySelector('li[data-upload="failed"]')).to.not.equal(null);
    });

    it('says at once, in Dutch, that the municipality has no room for documents (507, not retried for minutes)', async () => {
      server ??= await testServerUrl();
      const full = await testServerUrl('full');
      const { body } = await bookVideo({ server: full, days: 28, pick: 'any', overrides: { citizen: { name: 'Marie Claes', email: `marie-${Date.now()}@example.org` } } });
      const { panel } = await manage(body.token as string, full);
      choose(panel, [pdf(2000)]);
      // tus-js-client would retry a 5xx for ~4.5 minutes; the refusal must show well before its second retry.
      const alert = await waitFor(() => panel.shadowRoot!.querySelector('.uploads .error'), 'the refusal', 2500);
      expect(alert.textContent).to.include('De gemeente kan op dit moment geen documenten meer ontvangen');
    });
  });

  describe('engine differences', () => {
    /** A real photo, as a phone camera would hand it over: a JPEG drawn on a canvas. */
    const photo = async () => {
      const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#3a7';
      ctx.fillRect(0, 0, 64, 48);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.9));
      return new File([blob], 'foto.jpg', { type: 'image/jpeg' });
    };

    it('capture: "Kies bestanden" opens the plain chooser, "Neem een foto" the camera input, and a photo taken uploads', async () => {
      const { token } = await booking();
      const { el, panel } = await manage(token);
      const files = panel.shadowRoot!.querySelector<HTMLInputElement>('#file-input')!;
      const camera = panel.shadowRoot!.querySelector<HTMLInputElement>('#photo-input')!;
      // Desktop engines ignore `capture` and show a chooser; phones open the camera. The plain input
      // must never carry it, or a phone user could not pick a scan already on the phone.
      expect(files.hasAttribute('capture')).to.equal(false);
      expect(files.accept).to.equal('');
      expect(files.multiple).to.equal(true);
      expect(camera.getAttribute('capture')).to.equal('environment');
      expect(camera.accept).to.equal('image/*');

      // Which input each button opens; the click's default (the picker) is cancelled, no window opens.
      const opened: string[] = [];
      for (const input of [files, camera]) input.addEventListener('click', (e) => (e.preventDefault(), opened.push(input.id)));
      await clickButton(panel.shadowRoot!, 'Kies bestanden');
      await clickButton(panel.shadowRoot!, 'Neem een foto');
      expect(opened).to.deep.equal(['file-input', 'photo-input']);

      const completed = nextEvent<BalieUploadCompletedEvent>(el, 'balie-upload-completed', 15_000);
      const file = await photo();
      choose(panel, [file], '#photo-input');
      const { detail } = await completed;
      expect(detail).to.include({ name: 'foto.jpg', size: file.size, sha256: await sha256(file) });
      await waitFor(() => panel.shadowRoot!.querySelector(`li[data-document="${detail.id}"]`)?.textContent?.includes('foto.jpg'), 'the photo listed');
    });
  });

  describe('accessibility', () => {
    it('offers a file picker, a camera capture input and labelled progress', async () => {
      const { token } = await booking();
      const { panel } = await manage(token);
      const photo = panel.shadowRoot!.querySelector<HTMLInputElement>('#photo-input')!;
      expect(photo.accept).to.equal('image/*');
      expect(photo.getAttribute('capture')).to.equal('environment');
      expect(deepAll(panel, 'button').map((b) => b.textContent?.trim())).to.include.members(['Kies bestanden', 'Neem een foto']);
    });
  });
});
