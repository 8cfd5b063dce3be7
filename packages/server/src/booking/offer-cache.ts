import type { CatalogStore } from '../catalog/store.ts';
import type { Closure, Location, OpeningHours, Service } from '../catalog/types.ts';

/**
 * The parts of the catalog that booking reads on every request (a service, who offers it, a
 * weekday's hours, closures, locations), kept in memory while the catalog version stays the same.
 * The version is moved by database triggers on every catalog table, so a change made by the staff
 * console, a seed or another process shows at the next request; checking it is one tiny query.
 *
 * Nothing read inside a transaction is kept: a change that is rolled back (the staff console tries
 * new hours, then refuses them) takes the version back with it, and a later change would bring the
 * same number with other data.
 *
 * `unchanged`, where the database has one, is a token that stays the same exactly as long as nothing
 * in the database changed (SQLite's counts this process's writes and other connections' commits):
 * while it does, the version is not asked again, so a booking reads it once instead of four times.
 */
export function offerCache(catalog: CatalogStore, version: () => Promise<number>, inTransaction: () => boolean, unchanged?: () => string) {
  let seen = -1;
  /** `unchanged()` as it was when the version in `seen` was asked for. */
  let seenAt: string | undefined;
  const services = new Map<string, Service>();
  const staff = new Map<string, string[]>();
  const hours = new Map<number | 'all', OpeningHours[]>();
  let closures: Closure[] | undefined;
  let locations: Location[] | undefined;

  let checking: Promise<number> | undefined;
  /**
   * Clears what an older version left; returns the version the caller's reads belong to. Callers at
   * the same moment (a listing asks for staff, hours and closures at once) share one version query.
   */
  const fresh = async () => {
    const token = unchanged?.();
    if (token !== undefined && token === seenAt) return seen;
    return (checking ??= version()
      .then((current) => {
        seenAt = token;
        if (current !== seen) {
          seen = current;
          services.clear();
          staff.clear();
          hours.clear();
          closures = undefined;
          locations = undefined;
        }
        return current;
      })
      .finally(() => (checking = undefined)));
  };
  /**
   * Only what exists is kept: the ids asked for are the client's to choose. A read that a newer
   * version overtook while it ran is answered but not kept.
   */
  const remember = async <K, V>(map: Map<K, V>, key: K, read: () => Promise<V | undefined>): Promise<V | undefined> => {
    if (inTransaction()) return read();
    const current = await fresh();
    let value = map.get(key);
    if (value === undefined) {
      value = await read();
      if (value !== undefined && seen === current) map.set(key, value);
    }
    return value;
  };

  return {
    getService: (id: string) => remember(services, id, () => catalog.getService(id)),
    staffIdsForService: async (serviceId: string) => (await remember(staff, serviceId, () => catalog.staffIdsForService(serviceId)))!,
    listOpeningHours: async (weekday?: number) => (await remember(hours, weekday ?? 'all', () => catalog.listOpeningHours(weekday)))!,
    listClosures: async () => {
      if (inTransaction()) return catalog.listClosures();
      const current = await fresh();
      if (closures) return closures;
      const read = await catalog.listClosures();
      if (seen === current) closures = read;
      return read;
    },
    listLocations: async () => {
      if (inTransaction()) return catalog.listLocations();
      const current = await fresh();
      if (locations) return locations;
      const read = await catalog.listLocations();
      if (seen === current) locations = read;
      return read;
    },
  };
}
