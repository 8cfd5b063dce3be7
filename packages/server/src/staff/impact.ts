import { DateTime } from 'luxon';
import { ZONE } from '../booking/slots.ts';
import { hoursChannelOf, type Channel, type Closure } from '../catalog/types.ts';
import { HttpError } from '../http/errors.ts';
import { firstName } from './agenda.ts';
import type { StaffAppointmentRow } from './appointments-store.ts';
import type { HoursBlock } from '@digitale-balie/contract';

/*
 * Which booked appointments a change to the offer would strand. The admin moves or cancels those
 * first: silently keeping an appointment the new hours no longer allow, or dropping it, would both
 * surprise a citizen.
 */

const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });

/** An appointment fits a block on its weekday, channel and location, start to end. */
export function outsideHours(appointments: StaffAppointmentRow[], hours: HoursBlock[]) {
  return appointments.filter((a) => {
    const start = local(a.startAt);
    const end = local(a.endAt);
    const from = start.toFormat('HH:mm');
    const to = end.hasSame(start, 'day') ? end.toFormat('HH:mm') : '24:00';
    return !hours.some(
      (h) =>
        h.weekday === start.weekday &&
        h.channel === hoursChannelOf(a.channel) &&
        (h.locationId ?? null) === (a.locationId ?? null) &&
        h.startTime <= from &&
        to <= h.endTime,
    );
  });
}

export function insideClosure(appointments: StaffAppointmentRow[], closure: Pick<Closure, 'staffId' | 'dateFrom' | 'dateTo'>) {
  return appointments.filter((a) => {
    const date = local(a.startAt).toISODate()!;
    return (closure.staffId === null || closure.staffId === a.staffId) && closure.dateFrom <= date && date <= closure.dateTo;
  });
}

export const onRemovedChannel = (appointments: StaffAppointmentRow[], channels: Channel[]) =>
  appointments.filter((a) => !channels.includes(a.channel));

export const withStaffRemoved = (appointments: StaffAppointmentRow[], staffIds: string[]) =>
  appointments.filter((a) => !staffIds.includes(a.staffId));

/** 409 listing what stands in the way; nothing when the list is empty. */
export function refuseIfAffected(affected: StaffAppointmentRow[], why: string) {
  if (!affected.length) return;
  throw new HttpError(
    409,
    'appointments_affected',
    `${why} ${affected.length} booked appointment${affected.length === 1 ? '' : 's'}. Move or cancel ${affected.length === 1 ? 'it' : 'them'} first.`,
    {
      appointments: affected.map((a) => ({
        id: a.id,
        start: a.startAt,
        end: a.endAt,
        serviceId: a.serviceId,
        staffId: a.staffId,
        channel: a.channel,
        citizenFirstName: firstName(a.citizenName),
      })),
    },
  );
}
