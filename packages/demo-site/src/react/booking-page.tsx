import { useState } from 'react';
import type { BalieBookingConfirmedDetail } from '@digitale-balie/widget';
import './balie-jsx.ts';

const when = new Intl.DateTimeFormat('nl-BE', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Brussels' });

/**
 * A React 19 page around the widget: React renders the element, listens to its typed events as props,
 * and keeps what the citizen booked in its own state (here shown beside the widget; a real site could
 * route to a thank-you page or fill its own case form).
 */
export function BookingPage() {
  const [ready, setReady] = useState(false);
  const [booked, setBooked] = useState<BalieBookingConfirmedDetail | null>(null);

  return (
    <>
      <digitale-balie
        service="mantelzorgpremie"
        onbalie-ready={() => setReady(true)}
        onbalie-booking-confirmed={(event) => setBooked(event.detail)}
      />
      <section className="react-state" aria-labelledby="react-state-title" data-ready={ready ? 'true' : 'false'}>
        <h2 id="react-state-title">In de React-state van deze pagina</h2>
        {booked ? (
          <dl aria-live="polite">
            <dt>Afspraak</dt>
            <dd data-field="appointment">{booked.appointmentId}</dd>
            <dt>Wanneer</dt>
            <dd data-field="start">{when.format(new Date(booked.start))}</dd>
            <dt>Hoe</dt>
            <dd data-field="channel">{booked.channel === 'video' ? 'Videogesprek' : 'Aan het loket'}</dd>
          </dl>
        ) : (
          <p aria-live="polite">{ready ? 'Nog geen afspraak geboekt.' : 'De Digitale Balie laadt…'}</p>
        )}
      </section>
    </>
  );
}
