import { expect } from 'chai';
import '../index.ts';
import type { DigitaleBalieMedewerker } from '../digitale-balie-medewerker.ts';
import { bookVideo } from '../test-support/booking.ts';
import { deep, deepAll, nextEvent, type, waitFor } from '../test-support/dom.ts';

// The seeded demo beheerder (test-support/staff.ts); the console reaches the server through the
// test runner's same-origin proxy for /api/* (web-test-runner.config.mjs).
const AN = { email: 'an.peeters@wilsede.invalid', password: 'wilsede-demo' };

/** Books the first free mantelzorgpremie video slot through the citizen API of the real server. */
async function book(name: string, metadata?: Record<string, string>): Promise<{ id: string; start: string }> {
  const { status, body } = await bookVideo({
    overrides: { citizen: { name, email: 'test@example.org' }, intake: { zorgvrager: 'Mijn vader' }, ...(metadata ? { metadata } : {}) },
  });
  expect(status).to.equal(201);
  return { id: body.appointment.id, start: body.appointment.start };
}

function mount(): DigitaleBalieMedewerker {
  const el = document.createElement('digitale-balie-medewerker');
  document.body.append(el);
  return el;
}

async function signIn(el: Element, password = AN.password) {
  const form = await waitFor(() => deep(el, 'balie-staff-sign-in')?.shadowRoot?.querySelector('form'), 'sign-in form');
  type(form.querySelector<HTMLInputElement>('input[name="email"]')!, AN.email);
  type(form.querySelector<HTMLInputElement>('input[name="password"]')!, password);
  form.requestSubmit();
}

/** Shows the whole team for the coming two weeks: the booking may land with any colleague, any day. */
async function showTeamFortnight(el: Element) {
  const period = await waitFor(() => deep<HTMLSelectElement>(el, '#period'), 'agenda');
  period.value = '14';
  period.dispatchEvent(new Event('change'));
  const scope = deep<HTMLSelectElement>(el, '#scope')!;
  scope.value = 'all';
  scope.dispatchEvent(new Event('change'));
}

/** The focused element, through every shadow root. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const row = (el: Element, id: string) => deep<HTMLTableRowElement>(el, `tr[data-appointment="${id}"]`);

afterEach(() => {
  document.querySelectorAll('digitale-balie-medewerker').forEach((el) => el.remove());
});

describe('<digitale-balie-medewerker>', () => {
  describe('sign-in', () => {
    it('says so kindly when the password is wrong, then signs in and moves focus to the agenda heading', async () => {
      const el = mount();
      await signIn(el, 'not-the-password');
      const alert = await waitFor(() => deep(el, 'balie-staff-sign-in')?.shadowRoot?.querySelector('[role="alert"]'), 'error message');
      expect(alert.textContent).to.contain('wachtwoord klopt niet');
      expect(deep(el, 'input[name="password"]')?.getAttribute('aria-invalid')).to.equal('true');

      await signIn(el);
      const heading = await waitFor(() => deep(el, 'balie-staff-agenda')?.shadowRoot?.querySelector('h2'), 'agenda heading');
      expect(heading.textContent).to.equal('Agenda');
      await waitFor(() => deepActiveElement() === heading, 'focus on the agenda heading');
      expect(deep(el, 'balie-staff-console')?.shadowRoot?.textContent).to.contain('Aangemeld als An Peeters (beheerder)');
    });
  });

  describe('agenda', () => {
    it('renders the appointments the server lists, with first name, service, intake and readiness', async () => {
      const booked = await book('Marie Claes');
      const el = mount();
      await showTeamFortnight(el);
      const tr = await waitFor(() => row(el, booked.id), 'the booked appointment in the agenda');
      const cells = [...tr.cells].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim());
      const time = new Intl.DateTimeFormat('nl-BE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels' }).format(new Date(booked.start));
      expect(cells[0]).to.match(new RegExp(`^${time}–`));
      expect(cells).to.include.members(['Mantelzorgpremie', 'Video', 'Marie']);
      expect(tr.textContent).to.contain('Mijn vader').and.contain('Toestel niet getest').and.contain('Documenten: 0 van 1');
      expect(tr.textContent).not.to.contain('Claes', 'the agenda shows first names only');

      const api = await (await fetch('/api/staff/agenda?days=14&staff=all')).json();
      await waitFor(() => deepAll(el, 'tr[data-appointment]').length === api.appointments.length, 'one row per appointment');
      const headers = deepAll(el, 'thead th').map((th) => th.getAttribute('scope'));
      expect(headers.every((scope) => scope === 'col')).to.equal(true);
    });

    it('shows a booking that arrives while it is open, without reload, and announces it', async () => {
      const el = mount();
      await showTeamFortnight(el);
      await waitFor(() => deep(el, 'balie-staff-console')?.shadowRoot?.querySelector('.live:not(.offline)'), 'live connection');
      await waitFor(() => deep(el, 'tr[data-appointment]') ?? deep(el, '[data-empty]'), 'agenda loaded');

      const booked = await book('Lotte Peeters');
      const tr = await waitFor(() => row(el, booked.id), 'the new appointment, live');
      expect(tr.classList.contains('new')).to.equal(true);
      expect(tr.textContent).to.contain('Lotte').and.contain('Nieuw');
      const status = deep(el, 'balie-staff-console')!.shadowRoot!.querySelector('[aria-live="polite"]')!;
      await waitFor(() => status.textContent?.includes('Nieuwe afspraak: Lotte, Mantelzorgpremie'), 'the announcement');
    });
  });

  describe('lockout', () => {
    it('tells how long to wait once an account is locked after repeated wrong passwords', async () => {
      // A fresh account, so the lock touches no other test: created by An through the API, then signed out.
      const { csrfToken } = await (await fetch('/api/staff/session')).json();
      const headers = { 'content-type': 'application/json', 'x-csrf-token': csrfToken };
      const email = `lock-${Date.now()}@wilsede.invalid`;
      const created = await fetch('/api/staff/accounts', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Lock Test', email, role: 'medewerker', password: 'een-lang-wachtwoord' }),
      });
      expect(created.status).to.equal(201);
      expect((await fetch('/api/staff/logout', { method: 'POST', headers })).status).to.equal(204);

      const el = mount();
      const view = await waitFor(() => deep(el, 'balie-staff-sign-in'), 'sign-in view');
      const form = await waitFor(() => view.shadowRoot?.querySelector('form'), 'sign-in form');
      const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
      type(form.querySelector<HTMLInputElement>('input[name="email"]')!, email);
      for (let attempt = 1; attempt <= 5; attempt++) {
        type(form.querySelector<HTMLInputElement>('input[name="password"]')!, `wrong-${attempt}`);
        form.requestSubmit();
        await (view as unknown as { updateComplete: Promise<unknown> }).updateComplete;
        await waitFor(() => !submit.disabled, `the answer to attempt ${attempt}`);
      }
      expect(view.shadowRoot!.querySelector('[role="alert"]')?.textContent).to.equal('Te veel mislukte pogingen. Aanmelden kan weer over 15 minuten.');
    });
  });

  describe('account', () => {
    it('says at the field that a new password is too common, and keeps the old one', async () => {
      const el = mount();
      await signIn(el);
      const nav = await waitFor(() => deepAll<HTMLButtonElement>(el, 'nav button').find((b) => b.textContent?.trim() === 'Account'), 'account button');
      nav.click();
      const view = await waitFor(() => deep(el, 'balie-staff-account'), 'account view');
      const form = await waitFor(() => view.shadowRoot?.querySelector('form'), 'password form');
      type(form.querySelector<HTMLInputElement>('input[name="currentPassword"]')!, AN.password);
      type(form.querySelector<HTMLInputElement>('input[name="newPassword"]')!, 'Wachtwoord2027!');
      type(form.querySelector<HTMLInputElement>('input[name="repeat"]')!, 'Wachtwoord2027!');
      form.requestSubmit();
      const error = await waitFor(() => view.shadowRoot?.querySelector('#password-newPassword-error'), 'the field error');
      expect(error.textContent).to.contain('lijst van veelgebruikte wachtwoorden');
      expect(view.shadowRoot!.querySelector('#password-newPassword')?.getAttribute('aria-invalid')).to.equal('true');
      // Signed out again: the next tests start at the sign-in form.
      const { csrfToken } = await (await fetch('/api/staff/session')).json();
      expect((await fetch('/api/staff/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken } })).status).to.equal(204);
    });
  });

  describe('dossier', () => {
    it('opens from the agenda, focuses its heading and asks for a call with a non-composed start-call event', async () => {
      const booked = await book('Jan Janssens', { caseNumber: 'WIL-2027-118' });
      const el = mount();
      await signIn(el);
      await showTeamFortnight(el);
      const open = await waitFor(() => row(el, booked.id)?.querySelector('button'), 'dossier button');
      expect(open.getAttribute('aria-label')).to.match(/^Dossier van Jan \(\d\d:\d\d\) openen$/);
      open.click();
      const dossier = await waitFor(() => deep(el, 'balie-staff-dossier'), 'dossier view');
      const heading = await waitFor(() => dossier.shadowRoot?.querySelector('h2[data-view-heading]'), 'dossier heading');
      await waitFor(() => heading.textContent === 'Jan – Mantelzorgpremie', 'dossier loaded');
      await waitFor(() => deepActiveElement() === heading, 'focus on the dossier heading');
      expect(dossier.shadowRoot!.textContent).to.contain('Jan Janssens');
      // The municipality's website added its case number to the booking (balie-booking-requested).
      expect(dossier.shadowRoot!.querySelector('[data-metadata]')?.textContent).to.contain('WIL-2027-118');

      const startCall = nextEvent<CustomEvent<{ appointmentId: string }>>(dossier, 'start-call');
      dossier.shadowRoot!.querySelector<HTMLButtonElement>('[data-call-slot] button')!.click();
      const event = await startCall;
      expect(event.detail.appointmentId).to.equal(booked.id);
      expect(event.composed).to.equal(false);
    });
  });
});
