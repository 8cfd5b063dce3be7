import type { Db } from '../db/database.ts';
import type { DeviceFallback } from './schemas.ts';

/** The flag on the appointment (migration 17). */
export function fallbackStore(db: Db) {
  return {
    record: async (id: string, fallback: DeviceFallback, at: string) => {
      await db.q.updateTable('appointments').set({ device_fallback: fallback, device_fallback_at: at }).where('id', '=', id).execute();
    },
  };
}

export type FallbackStore = ReturnType<typeof fallbackStore>;
