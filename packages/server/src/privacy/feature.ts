import type Koa from 'koa';
import type { RecordAccess } from '../access-log/service.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { Db } from '../db/database.ts';
import type { RetentionFeature } from '../retention/feature.ts';
import { privacyRoutes } from './routes.ts';
import { citizenRights } from './service.ts';
import { privacyStore } from './store.ts';

/** A citizen's access and erasure requests, handled by a beheerder. `mount` after the staff gate. */
export function privacyFeature(deps: {
  db: Db;
  catalog: CatalogStore;
  retention: RetentionFeature;
  record: RecordAccess;
  documentPath: (documentId: string) => string;
  now: () => Date;
}) {
  const rights = citizenRights({
    store: privacyStore(deps.db),
    retention: deps.retention.store,
    eraser: deps.retention.eraser,
    compact: deps.retention.sweep.compact,
    record: deps.record,
    catalog: deps.catalog,
    documentPath: deps.documentPath,
    now: deps.now,
  });
  const router = privacyRoutes(rights);
  return {
    rights,
    mount(app: Koa) {
      app.use(router.routes()).use(router.allowedMethods());
    },
  };
}
