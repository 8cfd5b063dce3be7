import type { CatalogStore } from '../catalog/store.ts';
import type { Closure, Location, OpeningHours, Service } from '../catalog/types.ts';

/**
 * The parts of the catalog that booking reads on every request (a service, who offers it, a
 * weekday's hours, closures, locations), kept in memory while the catalog version stays the same.
 * The version is moved by database triggers on every catalog table, so a change made by the staff
 * console, a seed or another process shows at the next request; checking it is one tiny query.
 */
export function offerCache(catalog: CatalogStore, version: () => number) {
  let seen = -1;
  let services = new Map<string, Service>();
  let staff = new Map<string, string[]>();
  let hours = new Map<number | 'all', OpeningHours[]>();
  let closures: Closure[] | undefined;
  let locations: Location[] | undefined;

  const fresh = () => {
    const current = version();
    if (current === seen) return;
    seen = current;
    services = new Map();
    staff = new Map();
    hours = new Map();
    closures = undefined;
    locations = undefined;
  };
  /** Only what exists is kept: the ids asked for are the client's to choose. */
  const remember = <K, V>(map: Map<K, V>, key: K, read: () => V | undefined): V | undefined => {
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
      fresh();
      return (closures ??= catalog.listClosures());
    },
    listLocations: () => {
      fresh();
      return (locations ??= catalog.listLocations());
    },
  };
}
