import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bookFirstVideoSlot, startJourney } from './support.ts';

/**
 * The demo site's React 19 page (packages/demo-site/src/react/): React renders <digitale-balie> and
 * listens to its typed events as `on<event>` props; what the citizen books ends up in React state.
 */
describe('React 19 page', () => {
  let journey: Awaited<ReturnType<typeof startJourney>>;
  before(async () => {
    journey = await startJourney();
  });
  after(() => journey.close());

  it('when a citizen books inside the React page, then the React state shows the booked appointment and slot', async () => {
    const { server } = journey;
    const page = await journey.page();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server.url}/react.html`);
    const state = page.locator('section.react-state');
    // React heard balie-ready through its onbalie-ready prop.
    await state.getByText('Nog geen afspraak geboekt.').waitFor();

    const slotLabel = await bookFirstVideoSlot(page.locator('digitale-balie'));
    const appointmentId = await state.locator('[data-field="appointment"]').textContent();
    const stored = await server.app.db.q.selectFrom('appointments').select(['id', 'start_at as start', 'channel']).execute();
    assert.equal(stored.length, 1);
    assert.equal(appointmentId, stored[0]!.id);
    assert.equal(await state.locator('[data-field="channel"]').textContent(), 'Videogesprek');
    // The slot the citizen picked ("maandag 1 maart om 09:00") is the one React shows, formatted by React.
    const [, day, time] = /^(.*) om (\d\d:\d\d)$/.exec(slotLabel)!;
    const shown = (await state.locator('[data-field="start"]').textContent())!;
    assert.ok(shown.includes(day!.replace(/^\w+ /, '')) && shown.includes(time!), `"${shown}" shows ${slotLabel}`);
    assert.equal(
      new Date(stored[0]!.start).toLocaleString('nl-BE', { timeZone: 'Europe/Brussels', hour: '2-digit', minute: '2-digit' }),
      time,
    );
    assert.deepEqual(violations, []);
  });
});
