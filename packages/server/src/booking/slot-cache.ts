const MINUTE = 60_000;

export interface SlotCacheOptions {
  /**
   * Differs after any change to the database, by this process or another one: a cached listing can
   * never outlive a booking, a cancellation or a change to hours, closures, staff or services,
   * whichever code path made it.
   */
  version: () => string;
  now: () => Date;
  /** A bound on memory: the query space (dates × days × channel × location) is the client's to choose. */
  maxEntries?: number;
}

/**
 * Remembers slot listings while the database is unchanged, for at most the rest of the current
 * minute. Citizens browsing the same service then share one computation instead of each paying for
 * a full one (requests that arrive while it runs wait for the same one).
 *
 * Within that minute only the notice boundary moves in a way that matters: a cached slot that has
 * slipped inside the service's minimum notice is dropped on the way out, so a listing never offers
 * what booking would refuse. (A slot that newly enters the horizon at its far end may show up to a
 * minute late; that offers nothing that is taken.) Booking itself never reads this cache.
 */
export function slotCache<T extends { start: string }>(opts: SlotCacheOptions) {
  const maxEntries = opts.maxEntries ?? 1000;
  // Promises: a computation is kept under the version read before it started, so one that a change
  // overtook while it ran is dropped with its generation.
  const entries = new Map<string, Promise<readonly T[]>>();
  let generation = '';

  return {
    async get(key: string, noticeMin: number, compute: () => Promise<T[]>): Promise<readonly T[]> {
      const now = opts.now().getTime();
      // The clock may also go back (tests travel in time): the minute then differs and the entry goes.
      const current = `${opts.version()}@${Math.floor(now / MINUTE)}`;
      if (current !== generation) {
        entries.clear();
        generation = current;
      }
      let pending = entries.get(key);
      if (!pending) {
        pending = compute().then((computed) => Object.freeze(computed.map((slot) => Object.freeze(slot))));
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, pending);
        // A failed computation is not kept: the next request tries again.
        const kept = pending;
        kept.catch(() => {
          if (entries.get(key) === kept) entries.delete(key);
        });
      }
      const slots = await pending;
      const earliest = now + noticeMin * MINUTE;
      // Listings are sorted by start, so only a head of slots can have slipped inside the notice.
      let first = 0;
      while (first < slots.length && Date.parse(slots[first]!.start) < earliest) first++;
      return first === 0 ? slots : slots.slice(first);
    },
  };
}
