import { AdminClient, ApiTokensService, loadCoordinatorConfig, startCoordinator, type Clock, type Role, type RunningCoordinator } from '@syndicate/coordinator';

import pino from 'pino';
import { freshDatabaseUrl } from './database';

export interface Harness {
  coordinator: RunningCoordinator;
  /** Holds admin, data-scientist and auditor roles. */
  admin: AdminClient;
  /** A client with a fresh token carrying exactly these roles. */
  clientWithRoles(...roles: Role[]): Promise<AdminClient>;
  grpcAddress: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** A real coordinator on loopback ports (gRPC + REST) over a fresh database. */
/** `databaseUrl` reuses an existing database, as a restarted coordinator would. */
export async function startHarness(label: string, overrides: { tickMs?: number; databaseUrl?: string; clock?: Clock } = {}): Promise<Harness> {
  const databaseUrl = overrides.databaseUrl ?? (await freshDatabaseUrl(label));
  const config = loadCoordinatorConfig({ databaseUrl, grpcPort: 0, httpPort: 0, tickMs: overrides.tickMs ?? 100, logLevel: 'silent' }, {});
  const coordinator = await startCoordinator(config, { logger: pino({ level: 'silent' }), clock: overrides.clock });
  const baseUrl = `http://127.0.0.1:${coordinator.httpPort}`;
  const clientWithRoles = async (...roles: Role[]) => {
    const issued = await coordinator.app.get(ApiTokensService).create({ name: `harness-${roles.join('+')}`, roles }, 'harness');
    return new AdminClient(baseUrl, { token: issued.token });
  };
  return {
    coordinator,
    admin: await clientWithRoles('admin', 'data-scientist', 'auditor'),
    clientWithRoles,
    grpcAddress: `127.0.0.1:${coordinator.grpcPort}`,
    databaseUrl,
    stop: () => coordinator.close(),
  };
}
