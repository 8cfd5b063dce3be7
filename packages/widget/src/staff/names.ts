import { localize } from '../api/types.ts';
import type { Account, AdminService } from './types.ts';

/** Names for the ids in server answers. Service names in Dutch, as the server's agenda shows them. */
export function lookups(services: AdminService[], accounts: Account[]) {
  return {
    service(id: string) {
      const service = services.find((s) => s.id === id);
      return service ? localize(service.texts, 'nl').name : id;
    },
    staff: (id: string) => accounts.find((m) => m.id === id)?.name ?? id,
  };
}

export type Lookups = ReturnType<typeof lookups>;
