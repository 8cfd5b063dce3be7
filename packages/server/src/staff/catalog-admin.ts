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
  const withStaff = async (service: Service) => ({ ...service, staffIds: await store.staffOfService(service.id) });

  async function requireStaffIds(ids: string[], field = 'staffIds') {
    const unknown: string[] = [];
    for (const id of ids) if (!(await accounts.get(id))) unknown.push(id);
    if (unknown.length) throw invalid({ [field]: `unknown staff member: ${unknown.join(', ')}` });
  }

  async function requireLocations(hours: HoursBlock[]) {
    const known = new Set((await catalog.listLocations()).map((l) => l.id));
    hours.forEach((h, i) => {
      if (h.locationId && !known.has(h.locationId)) throw invalid({ [`hours.${i}.locationId`]: 'unknown location' });
    });
  }

  return {
    listServices: async () => Promise.all((await catalog.listServices()).map(withStaff)),

    async createService(actor: StaffAccount, input: CreateServiceInput) {
      requireBeheerder(actor);
      if (await catalog.getService(input.id)) throw new HttpError(409, 'service_exists', 'A service with this id already exists.');
      await requireStaffIds(input.staffIds);
      const { staffIds, ...service } = input;
      await catalog.saveService(service);
      await store.setStaffOfService(service.id, staffIds);
      return withStaff((await catalog.getService(service.id))!);
    },

    /** Refused while a future booked appointment needs a channel, staff member or the service itself. */
    async updateService(actor: StaffAccount, id: string, patch: UpdateServiceInput) {
      requireBeheerder(actor);
      const current = await catalog.getService(id);
      if (!current) throw notFound('This service');
      const { staffIds, ...changes } = patch;
      const next: Service = { ...current, ...changes };
      if (staffIds) await requireStaffIds(staffIds);

      const booked = await appointments.futureBooked(nowIso(), { serviceId: id });
      if (!next.active) refuseIfAffected(booked, 'Switching this service off would strand');
      refuseIfAffected(onRemovedChannel(booked, next.channels), 'Removing this channel would strand');
      if (staffIds) refuseIfAffected(withStaffRemoved(booked, staffIds), 'Taking this service from these staff members would strand');

      await catalog.saveService(next);
      if (staffIds) await store.setStaffOfService(id, staffIds);
      return withStaff((await catalog.getService(id))!);
    },

    listHours: (staffId?: string) => (staffId ? store.hoursOf(staffId) : catalog.listOpeningHours()),

    /** Replaces a staff member's whole week; refused when a booked appointment would fall outside it. */
    async replaceHours(actor: StaffAccount, staffId: string, hours: HoursBlock[]) {
      requireBeheerder(actor);
      if (!(await accounts.get(staffId))) throw notFound('This staff member');
      await requireLocations(hours);
      refuseIfAffected(outsideHours(await appointments.futureBooked(nowIso(), { staffId }), hours), 'These opening hours would leave out');
      await store.replaceHours(staffId, hours);
      return store.hoursOf(staffId);
    },

    listClosures: () => catalog.listClosures(),

    async addClosure(actor: StaffAccount, closure: { staffId: string | null; dateFrom: string; dateTo: string; reason: string }) {
      requireBeheerder(actor);
      if (closure.staffId) await requireStaffIds([closure.staffId], 'staffId');
      refuseIfAffected(insideClosure(await appointments.futureBooked(nowIso(), { staffId: closure.staffId }), closure), 'This closure would fall on');
      return store.addClosure(closure);
    },

    async removeClosure(actor: StaffAccount, id: number) {
      requireBeheerder(actor);
      if (!(await store.removeClosure(id))) throw notFound('This closure');
    },
  };
}

export type CatalogAdmin = ReturnType<typeof catalogAdmin>;
