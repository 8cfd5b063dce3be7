import { expect } from 'chai';
import './index.ts';
import type { DigitaleBalie } from './digitale-balie.ts';
import type { BalieBookingConfirmedEvent, BalieBookingRequestedEvent, BalieReadyEvent } from './events/index.ts';
import { clickButton, deep, deepAll, nextEvent, testServerUrl, type, waitFor } from './test-support/dom.ts';

let server: string;

async function mount(attributes: Record<string, string>): Promise<DigitaleBalie> {
  server ??= await testServerUrl();
  const el = document.createElement('digitale-balie');
  el.setAttribute('server', server);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  const ready = nextEvent<BalieReadyEvent>(el, 'balie-ready');
  document.body.append(el);
  await ready;
  return el;
}

/** Walks the booking journey up to the details form with the first free video slot. */
async function toDetails(el: DigitaleBalie) {
  const video = await waitFor(() => deepAll<HTMLInputElement>(el, 'input[name="channel"]')[0], 'channel choices');
  video.click();
  await clickButton(el, 'Verder');
  const slot = await waitFor(() => deep<HTMLInputElement>(el, 'input[name="slot"]'), 'a free slot');
  slot.click();
  await clickButton(el, 'Verder');
  return waitFor(() => deep(el, 'balie-booking-form')?.shadowRoot?.querySelector('form'), 'details form');
}

/** Fills in the details and gives consent: the next click on "Afspraak bevestigen" books. Returns the chosen slot's start. */
async function fillDetails(el: DigitaleBalie): Promise<string | undefined> {
  const form = await toDetails(el);
  const chosen = deepAll<HTMLInputElement>(el, 'input[name="slot"]').find((r) => r.checked)?.value;
  type(form.querySelector<HTMLInputElement>('[name="citizen.name"]')!, 'Marie Claes');
  type(form.querySelector<HTMLInputElement>('[name="citizen.email"]')!, 'marie@example.org');
  type(form.querySelector<HTMLTextAreaElement>('[name="intake.zorgvrager"]')!, 'Mijn ouders');
  await clickButton(el, 'Verder');
  const consent = await waitFor(() => deep<HTMLInputElement>(el, 'input[name="consent"]'), 'consent box');
  consent.click();
  return chosen;
}

afterEach(() => {
  document.querySelectorAll('digitale-balie').forEach((el) => el.remove());
});

describe('<digitale-balie> booking view', () => {
  describe('properties', () => {
    it('lists the services from the server when no service is preset', async () => {
      const el = await mount({});
      const names = await waitFor(() => {
        const buttons = deepAll(el, 'button.link').map((b) => b.textContent?.trim());
        return buttons.length >= 3 && buttons;
      }, 'service buttons');
      expect(names).to.include.members(['Mantelzorgpremie', 'Reistoelating voor minderjarigen']);
    });

    it('renders the free slots of the preset service, each labelled with its full date and time', async () => {
      const el = await mount({ service: 'mantelzorgpremie' });
      (await waitFor(() => deep<HTMLInputElement>(el, 'input[name="channel"]'), 'channels')).click();
      await clickButton(el, 'Verder');
      const slots = await waitFor(() => {
        const radios = deepAll<HTMLInputElement>(el, 'input[name="slot"]');
        return radios.length > 0 && radios;
      }, 'slots');
      const api = await (await fetch(`${server}/api/services/mantelzorgpremie/slots?channel=video&days=14`)).json();
      expect(slots.length).to.equal(api.slots.length);
      expect(slots[0]!.value).to.equal(api.slots[0].start);
      const expectedTime = new Intl.DateTimeFormat('nl-BE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels' }).format(new Date(api.slots[0].start));
      expect(slots[0]!.getAttribute('aria-label')).to.match(/^\w+dag \d+ \w+ om /).and.include(expectedTime);
    });

    it('uses English texts with lang="en"', async () => {
      const el = await mount({ service: 'mantelzorgpremie', lang: 'en' });
      await waitFor(() => deepAll(el, 'h2').find((h) => h.textContent?.includes('How would you like to talk to us?')), 'English heading');
    });
  });

  describe('validation', () => {
    it('shows a friendly error next to each invalid field and does not submit', async () => {
      const el = await mount({ service: 'mantelzorgpremie' });
      const form = await toDetails(el);
      type(form.querySelector<HTMLInputElement>('[name="citizen.name"]')!, 'Marie Claes');
      type(form.querySelector<HTMLInputElement>('[name="citizen.email"]')!, 'not-an-email');
      await clickButton(el, 'Verder');
      const email = await waitFor(() => {
        const input = deep<HTMLInputElement>(el, '[name="citizen.email"]');
        return input?.getAttribute('aria-invalid') === 'true' && input;
      }, 'invalid e-mail field');
      const errorText = deep(el, `#${CSS.escape(email.getAttribute('aria-describedby')!.trim().split(/\s+/).pop()!)}`)?.textContent;
      expect(errorText).to.contain('geldig e-mailadres');
      expect(deep(el, '[name="intake.zorgvrager"]')?.getAttribute('aria-invalid')).to.equal('true');
      expect(deep(el, '.error-summary')?.textContent).to.contain('Kijk deze velden na');
      expect(deep(el, 'h2')?.textContent).to.contain('Uw gegevens');
    });

    it('when the server refuses a name with a link in it, then the name field says why in the citizen’s language', async () => {
      const el = await mount({ service: 'mantelzorgpremie' });
      const form = await toDetails(el);
      type(form.querySelector<HTMLInputElement>('[name="citizen.name"]')!, 'Marie www.premie-wilsede.top');
      type(form.querySelector<HTMLInputElement>('[name="citizen.email"]')!, 'marie@example.org');
      type(form.querySelector<HTMLTextAreaElement>('[name="intake.zorgvrager"]')!, 'Mijn ouders');
      await clickButton(el, 'Verder');
      (await waitFor(() => deep<HTMLInputElement>(el, 'input[name="consent"]'), 'consent box')).click();
      await clickButton(el, 'Afspraak bevestigen');
      const name = await waitFor(() => {
        const input = deep<HTMLInputElement>(el, '[name="citizen.name"]');
        return input?.getAttribute('aria-invalid') === 'true' && input;
      }, 'refused name field');
      const errorText = deep(el, `#${CSS.escape(name.getAttribute('aria-describedby')!.trim().split(/\s+/).pop()!)}`)?.textContent;
      expect(errorText).to.contain('geen link, webadres of e-mailadres');
    });
  });

  describe('events', () => {
    it('books through the real server and emits balie-booking-confirmed with the right detail', async () => {
      const el = await mount({ service: 'mantelzorgpremie' });
      const chosen = await fillDetails(el);
      const confirmed = nextEvent<BalieBookingConfirmedEvent>(el, 'balie-booking-confirmed');
      await clickButton(el, 'Afspraak bevestigen');
      const { detail, bubbles, composed } = await confirmed;
      expect(bubbles && composed).to.equal(true);
      expect(detail.serviceId).to.equal('mantelzorgpremie');
      expect(detail.channel).to.equal('video');
      expect(detail.appointmentId).to.be.a('string').with.length.greaterThan(10);
      if (chosen) expect(detail.start).to.equal(chosen);
      expect(JSON.stringify(detail)).not.to.contain('@');
      await waitFor(() => deepAll(el, 'h2').find((h) => h.textContent?.includes('bevestigd')), 'confirmation screen');
      // The appointment really exists on the server: the manage view loads it with the personal token.
      await clickButton(el, 'Mijn afspraak bekijken');
      const status = await waitFor(() => deep(el, '[data-status]'), 'manage view');
      expect(status.getAttribute('data-status')).to.equal('booked');
      const when = new Intl.DateTimeFormat('nl-BE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels' }).format(new Date(detail.start));
      expect(deep(el, 'balie-manage-view')?.shadowRoot?.textContent).to.contain(when);
    });

    it('lets the host page stop a booking with preventDefault on balie-booking-requested: nothing is booked, nothing is lost', async () => {
      const el = await mount({ service: 'mantelzorgpremie' });
      await fillDetails(el);
      const requested = nextEvent<BalieBookingRequestedEvent>(el, 'balie-booking-requested');
      el.addEventListener('balie-booking-requested', (e) => e.preventDefault(), { once: true });
      let confirmed = false;
      el.addEventListener('balie-booking-confirmed', () => (confirmed = true));
      await clickButton(el, 'Afspraak bevestigen');
      const request = await requested;
      expect(request.cancelable).to.equal(true);
      expect(request.detail.serviceId).to.equal('mantelzorgpremie');
      expect(JSON.stringify(request.detail)).not.to.contain('@');
      await waitFor(() => deep(el, '[role="alert"]')?.textContent?.includes('niet vastgelegd'), 'the not-booked message');
      expect(confirmed).to.equal(false);
      // Still on the last step, consent still given: trying again books.
      expect(deep<HTMLInputElement>(el, 'input[name="consent"]')?.checked).to.equal(true);
      const booked = nextEvent<BalieBookingConfirmedEvent>(el, 'balie-booking-confirmed');
      await clickButton(el, 'Afspraak bevestigen');
      expect((await booked).detail.serviceId).to.equal('mantelzorgpremie');
    });

    it('holds the booking while the host page checks (waitUntil) and sends the metadata it added', async () => {
      const el = await mount({ service: 'mantelzorgpremie' });
      await fillDetails(el);
      let pass!: (ok: boolean) => void;
      el.addEventListener(
        'balie-booking-requested',
        (e) => {
          e.detail.metadata.paymentReference = 'PAY-2027-0042';
          e.waitUntil(new Promise<boolean>((resolve) => (pass = resolve)));
        },
        { once: true },
      );
      let confirmed: BalieBookingConfirmedEvent | undefined;
      el.addEventListener('balie-booking-confirmed', (e) => (confirmed = e));
      await clickButton(el, 'Afspraak bevestigen');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(confirmed, 'nothing booked while the host page checks').to.equal(undefined);
      pass(true);
      await waitFor(() => confirmed, 'the booking after the check');
      await waitFor(() => deepAll(el, 'h2').find((h) => h.textContent?.includes('bevestigd')), 'confirmation screen');
    });

    it('emits balie-error and shows a friendly text when the server cannot be reached', async () => {
      const el = document.createElement('digitale-balie');
      el.setAttribute('server', 'http://127.0.0.1:9');
      const failed = nextEvent<Event & { detail: { code: string } }>(el, 'balie-error', 20_000);
      document.body.append(el);
      expect((await failed).detail.code).to.equal('network');
      await waitFor(() => deep(el, '[role="alert"]')?.textContent?.includes('geen verbinding'), 'network message');
    });
  });
});
