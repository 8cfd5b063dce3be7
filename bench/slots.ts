import Koa from 'koa';
import { createServer } from 'node:http';
import { addTeamService, benchClock, citizen } from './fixtures.ts';
import { httpClient, latencies, listenOnLoopback, quantile } from './measure.ts';
import { startBenchServer } from './server.ts';
import { figure, type Benchmark } from './table.ts';

const SERVICE = 'bench-slots';
const STAFF = 20;
const EXISTING_BOOKINGS = 150;
const PATH = `/api/services/${SERVICE}/slots?days=14`;
/** Rounds alternate between the two servers so that a noisy moment hits both alike. */
const ROUNDS = 4;
const PER_ROUND = 500;
const WARMUP = 200;
const MISSES = 300;

type Slot = { start: string; channel: 'video' | 'counter'; locationId: string | null };

/** Slot listing of the real app vs a bare Koa route answering the same JSON, p50/p99 sequentially. */
export const slots: Benchmark = {
  name: 'slots',
  ids: ['slots.p99_ratio'],
  async run() {
    const server = await startBenchServer(benchClock());
    const bare = createServer();
    const ours = httpClient(server.url);
    let baseline: ReturnType<typeof httpClient> | undefined;
    try {
      await addTeamService(server.app.db, { serviceId: SERVICE, staff: STAFF });
      const listed = JSON.parse((await ours.get(PATH)).body) as { slots: Slot[] };
      // Existing bookings spread over the fortnight, so the listing has claims to step around.
      const step = Math.max(1, Math.floor(listed.slots.length / EXISTING_BOOKINGS));
      for (let i = 0; i < EXISTING_BOOKINGS; i++) {
        const { start, channel, locationId } = listed.slots[(i * step) % listed.slots.length]!;
        await server.app.booking.book({ serviceId: SERVICE, start, channel, locationId, ...citizen(i) });
      }
      await server.app.booking.flush();

      const response = await ours.get(PATH);
      if (response.status !== 200) throw new Error(`slot listing answered ${response.status}`);
      const payload = JSON.parse(response.body) as { slots: Slot[] };
      const koa = new Koa();
      koa.use((ctx) => {
        ctx.body = payload;
      });
      bare.on('request', koa.callback());
      baseline = httpClient(await listenOnLoopback(bare));

      const get = (client: ReturnType<typeof httpClient>) => async () => {
        const { status } = await client.get(PATH);
        if (status !== 200) throw new Error(`answered ${status}`);
      };
      const samples = { ours: [] as number[], bare: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const warmup = round === 0 ? WARMUP : 20;
        samples.ours.push(...(await latencies(get(ours), { warmup, count: PER_ROUND })));
        samples.bare.push(...(await latencies(get(baseline), { warmup, count: PER_ROUND })));
      }
      // The cache's other side: every listing right after a write, so each one is computed afresh.
      const misses = await latencies(
        async () => {
          await server.app.db.q.updateTable('services').set({ active: 1 }).where('id', '=', SERVICE).execute();
          await get(ours)();
        },
        { warmup: 20, count: MISSES },
      );
      const p = (s: number[], q: number) => quantile(s, q);
      return [
        figure({
          id: 'slots.p99_ratio',
          ours: p(samples.ours, 0.99),
          baseline: p(samples.bare, 0.99),
          target: { on: 'ratio', atMost: 2 },
          unit: 'ms p99',
          note:
            `p50 ${p(samples.ours, 0.5).toFixed(2)} vs ${p(samples.bare, 0.5).toFixed(2)} ms; ${samples.ours.length} sequential GETs each; ` +
            `${STAFF} staff, ${EXISTING_BOOKINGS} bookings, ${payload.slots.length} slots, ${(response.body.length / 1024).toFixed(0)} KiB JSON; ` +
            `listing cache on; uncached (after a write) p50 ${p(misses, 0.5).toFixed(2)}, p99 ${p(misses, 0.99).toFixed(2)} ms`,
        }),
      ];
    } finally {
      ours.close();
      baseline?.close();
      if (bare.listening) await new Promise((done) => bare.close(done));
      await server.stop();
    }
  },
};
