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
 */
export function offerCache(catalog: CatalogStore, version: () => number, inTransaction: () => boolean) {
  let seen = -1;
  const services = new Map<string, Service>();
  const staff = new Map<string, string[]>();
  const hours = new Map<number | 'all', OpeningHours[]>();
  let closures: Closure[] | undefined;
  let locations: Location[] | undefined;

  const fresh = () => {
    const current = version();
    if (current === seen) return;
    seen = current;
    services.clear();
    staff.clear();
    hours.clear();
    closures = undefined;
    locations = undefined;
  };
  /** Only what exists is kept: the ids asked for are the client's to choose. */
  const remember = <K, V>(map: Map<K, V>, key: K, read: () => V | undefined): V | undefined => {
    if (inTransaction()) return read();
    fresh();
    let value = map.get(key);
    if (value === undefined) {
      value = read();
      if (value !== undefined) map.set(key, value);
    }
    return value;
  };

  return {
    getService: (id: string) => remember(services, id, () => catalog.getService(id)),
    staffIdsForService: (serviceId: string) => remember(staff, serviceId, () => catalog.staffIdsForService(serviceId))!,
    listOpeningHours: (weekday?: number) => remember(hours, weekday ?? 'all', () => catalog.listOpeningHours(weekday))!,
    listClosures: () => {
      if (inTransaction()) return catalog.listClosures();
      fresh();
      return (closures ??= catalog.listClosures());
    },
    listLocations: () => {
      if (inTransaction()) return catalog.listLocations();
      fresh();
      return (locations ??= catalog.listLocations());
    },
  };
}
