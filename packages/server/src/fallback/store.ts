import type { Db } from '../db/database.ts';
import type { DeviceFallback } from './schemas.ts';

/** The flag on the appointment (migration 17). */
export function fallbackStore(db: Db) {
  const record = db.prepare('UPDATE appointments SET device_fallback = ?, device_fallback_at = ? WHERE id = ?');
  return {
    record: (id: string, fallback: DeviceFallback, at: string) => void record.run(fallback, at, id),
  };
}

export type FallbackStore = ReturnType<typeof fallbackStore>;
