import type { CatalogStore } from '../catalog/store.ts';
import type { Service } from '../catalog/types.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { AccountsStore } from './accounts-store.ts';
import type { StaffAppointmentsStore } from './appointments-store.ts';
import type { CatalogAdminStore } from './catalog-admin-store.ts';
import type { StaffAccount } from './identity.ts';
import { insideClosure, onRemovedChannel, outsideHours, refuseIfAffected, withStaffRemoved } from './impact.ts';
import { requireBeheerder } from './roles.ts';
import type { CreateServiceInput, HoursBlock, UpdateServiceInput } from '@digitale-balie/contract';

const invalid = (fields: Record<string, string>) => new HttpError(422, 'validation_failed', 'Some fields are missing or not valid.', { fields });

/** Services, opening hours and closures, as a beheerder manages them. Reading is open to all staff. */
export function catalogAdmin(deps: {
  catalog: CatalogStore;
  store: CatalogAdminStore;
  accounts: AccountsStore;
  appointments: StaffAppointmentsStore;
  now: () => Date;
}) {
  const { catalog, store, accounts, appointments } = deps;
  const nowIso = () => deps.now().toISOString();
  const withStaff = (service: Service) => ({ ...service, staffIds: store.staffOfService(service.id) });

  function requireStaffIds(ids: string[], field = 'staffIds') {
    const unknown = ids.filter((id) => !accounts.get(id));
    if (unknown.length) throw invalid({ [field]: `unknown staff member: ${unknown.join(', ')}` });
  }

  function requireLocations(hours: HoursBlock[]) {
    const known = new Set(catalog.listLocations().map((l) => l.id));
    hours.forEach((h, i) => {
      if (h.locationId && !known.has(h.locationId)) throw invalid({ [`hours.${i}.locationId`]: 'unknown location' });
    });
  }

  return {
    listServices: () => catalog.listServices().map(withStaff),

    createService(actor: StaffAccount, input: CreateServiceInput) {
      requireBeheerder(actor);
      if (catalog.getService(input.id)) throw new HttpError(409, 'service_exists', 'A service with this id already exists.');
      requireStaffIds(input.staffIds);
      const { staffIds, ...service } = input;
      catalog.saveService(service);
      store.setStaffOfService(service.id, staffIds);
      return withStaff(catalog.getService(service.id)!);
    },

    /** Refused while a future booked appointment needs a channel, staff member or the service itself. */
    updateService(actor: StaffAccount, id: string, patch: UpdateServiceInput) {
      requireBeheerder(actor);
      const current = catalog.getService(id);
      if (!current) throw notFound('This service');
      const { staffIds, ...changes } = patch;
      const next: Service = { ...current, ...changes };
      if (staffIds) requireStaffIds(staffIds);

      const booked = appointments.futureBooked(nowIso(), { serviceId: id });
      if (!next.active) refuseIfAffected(booked, 'Switching this service off would strand');
      refuseIfAffected(onRemovedChannel(booked, next.channels), 'Removing this channel would strand');
      if (staffIds) refuseIfAffected(withStaffRemoved(booked, staffIds), 'Taking this service from these staff members would strand');

      catalog.saveService(next);
      if (staffIds) store.setStaffOfService(id, staffIds);
      return withStaff(catalog.getService(id)!);
    },

    listHours: (staffId?: string) => (staffId ? store.hoursOf(staffId) : catalog.listOpeningHours()),

    /** Replaces a staff member's whole week; refused when a booked appointment would fall outside it. */
    replaceHours(actor: StaffAccount, staffId: string, hours: HoursBlock[]) {
      requireBeheerder(actor);
      if (!accounts.get(staffId)) throw notFound('This staff member');
      requireLocations(hours);
      refuseIfAffected(outsideHours(appointments.futureBooked(nowIso(), { staffId }), hours), 'These opening hours would leave out');
      store.replaceHours(staffId, hours);
      return store.hoursOf(staffId);
    },

    listClosures: () => catalog.listClosures(),

    addClosure(actor: StaffAccount, closure: { staffId: string | null; dateFrom: string; dateTo: string; reason: string }) {
      requireBeheerder(actor);
      if (closure.staffId) requireStaffIds([closure.staffId], 'staffId');
      refuseIfAffected(insideClosure(appointments.futureBooked(nowIso(), { staffId: closure.staffId }), closure), 'This closure would fall on');
      return store.addClosure(closure);
    },

    removeClosure(actor: StaffAccount, id: number) {
      requireBeheerder(actor);
      if (!store.removeClosure(id)) throw notFound('This closure');
    },
  };
}

export type CatalogAdmin = ReturnType<typeof catalogAdmin>;
