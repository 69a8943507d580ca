import * as fs from 'fs';
import {
  AdminClient,
  ApiTokensService,
  loadCoordinatorConfig,
  startCoordinator,
  type Clock,
  type Role,
  type RunningCoordinator,
} from '@syndicate/coordinator';

import pino from 'pino';
import type { AgentTransport } from '@syndicate/participant';
import { freshDatabaseUrl } from './database';
import { testPki } from './test-pki';

export interface Harness {
  coordinator: RunningCoordinator;
  /** Holds admin, data-scientist and auditor roles. */
  admin: AdminClient;
  /** A client with a fresh token carrying exactly these roles. */
  clientWithRoles(...roles: Role[]): Promise<AdminClient>;
  grpcAddress: string;
  /** How agents reach it: TLS with the test CA (and a client certificate under mutual TLS). */
  transport: AgentTransport;
  /** https://localhost:port */
  baseUrl: string;
  /** No token: for refusals. */
  anonymous: AdminClient;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** A real coordinator on loopback ports (gRPC + REST) over a fresh database. */
/** `databaseUrl` reuses an existing database, as a restarted coordinator would. */
export async function startHarness(
  label: string,
  overrides: {
    tickMs?: number;
    databaseUrl?: string;
    clock?: Clock;
    mutualTls?: boolean;
    streamIdleSeconds?: number;
  } = {},
): Promise<Harness> {
  const databaseUrl = overrides.databaseUrl ?? (await freshDatabaseUrl(label));
  const pki = await testPki();
  const config = loadCoordinatorConfig(
    {
      databaseUrl,
      grpcPort: 0,
      httpPort: 0,
      tickMs: overrides.tickMs ?? 100,
      logLevel: 'silent',
      tlsCert: pki.coordinatorCert,
      tlsKey: pki.coordinatorKey,
      tlsClientCa: overrides.mutualTls ? pki.caCert : undefined,
      streamIdleSeconds: overrides.streamIdleSeconds,
    },
    {},
  );
  const coordinator = await startCoordinator(config, { logger: pino({ level: 'silent' }), clock: overrides.clock });
  // Host names, not IPs: TLS verifies the name in the certificate (and SNI takes no IP addresses).
  const baseUrl = `https://localhost:${coordinator.httpPort}`;
  const ca = fs.readFileSync(pki.caCert);
  const clientWithRoles = async (...roles: Role[]) => {
    const issued = await coordinator.app
      .get(ApiTokensService)
      .create({ name: `harness-${roles.join('+')}`, roles }, 'harness');
    return new AdminClient(baseUrl, { token: issued.token, ca });
  };
  return {
    coordinator,
    admin: await clientWithRoles('admin', 'data-scientist', 'auditor'),
    clientWithRoles,
    grpcAddress: `localhost:${coordinator.grpcPort}`,
    transport: {
      caFile: pki.caCert,
      ...(overrides.mutualTls ? { certFile: pki.agentCert, keyFile: pki.agentKey } : {}),
    },
    baseUrl,
    anonymous: new AdminClient(baseUrl, { ca }),
    databaseUrl,
    stop: () => coordinator.close(),
  };
}
