import { AdminClient, loadCoordinatorConfig, startCoordinator, type RunningCoordinator } from '@syndicate/coordinator';

import pino from 'pino';
import { freshDatabaseUrl } from './database';

export interface Harness {
  coordinator: RunningCoordinator;
  admin: AdminClient;
  grpcAddress: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** A real coordinator on loopback ports (gRPC + REST) over a fresh database. */
/** `databaseUrl` reuses an existing database, as a restarted coordinator would. */
export async function startHarness(label: string, overrides: { tickMs?: number; databaseUrl?: string } = {}): Promise<Harness> {
  const databaseUrl = overrides.databaseUrl ?? (await freshDatabaseUrl(label));
  const config = loadCoordinatorConfig({ databaseUrl, grpcPort: 0, httpPort: 0, tickMs: overrides.tickMs ?? 100, logLevel: 'silent' }, {});
  const coordinator = await startCoordinator(config, { logger: pino({ level: 'silent' }) });
  return {
    coordinator,
    admin: new AdminClient(`http://127.0.0.1:${coordinator.httpPort}`),
    grpcAddress: `127.0.0.1:${coordinator.grpcPort}`,
    databaseUrl,
    stop: () => coordinator.close(),
  };
}
