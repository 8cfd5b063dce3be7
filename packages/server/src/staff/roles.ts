import { HttpError } from '../http/errors.ts';
import type { StaffAccount } from './identity.ts';

/** Accounts, services and opening hours are for a beheerder (administrator) only. */
export function requireBeheerder(actor: StaffAccount) {
  if (actor.role !== 'beheerder') throw new HttpError(403, 'forbidden', 'Only a beheerder (administrator) can do this.');
}
