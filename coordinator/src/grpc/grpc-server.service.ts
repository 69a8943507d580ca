import * as fs from 'fs';
import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { loadProtocol, SERVER_CHANNEL_OPTIONS } from '@syndicate/protocol';
import { HealthImplementation } from 'grpc-health-check';
import type { DataSource } from 'typeorm';
import type { CoordinatorConfig } from '../config/coordinator-config';
import type { Logger } from '../common/logger';
import { CONFIG, LOGGER } from '../common/tokens';
import { TaskHub } from '../tasks/task-hub';
import { ParticipantGrpcHandlers } from './participant-grpc.handlers';
import { AuditWitnessGrpcHandlers } from './audit-witness-grpc.handlers';
import { withCallContext } from '../common/call-context';

const SERVICE_NAME = 'syndicate.v1.ParticipantService';

/**
 * Runs grpc-js directly rather than Nest's gRPC transport: streaming uploads need
 * real back-pressure, and keepalive/message-size policy must be set exactly.
 */
@Injectable()
export class GrpcServerService implements OnApplicationShutdown {
  private server?: grpc.Server;
  private health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  private healthTimer?: NodeJS.Timeout;
  port = 0;

  constructor(
    private readonly handlers: ParticipantGrpcHandlers,
    private readonly witnessHandlers: AuditWitnessGrpcHandlers,
    private readonly hub: TaskHub,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Binds the agents' listener (every replica serves agents). */
  async serve(): Promise<number> {
    if (this.server) return this.port;
    const server = new grpc.Server(SERVER_CHANNEL_OPTIONS);
    // Each call runs with its peer address in context: the audit service rate-limits refusals by it.
    server.addService(
      loadProtocol().syndicate.v1.ParticipantService.service,
      withCallContext(this.handlers.handlers()),
    );
    server.addService(
      loadProtocol().syndicate.v1.AuditWitnessService.service,
      withCallContext(this.witnessHandlers.handlers()),
    );
    this.health.addToServer(server);
    const address = `${this.config.grpcHost}:${this.config.grpcPort}`;
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, this.credentials(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    this.server = server;
    await this.refreshHealth();
    this.healthTimer = setInterval(() => void this.refreshHealth(), 5000);
    this.healthTimer.unref();
    this.log.info(
      {
        address: `${this.config.grpcHost}:${this.port}`,
        tls: !this.config.insecure,
        mutualTls: Boolean(this.config.tlsClientCa),
      },
      'gRPC listening',
    );
    return this.port;
  }

  /** TLS, mutual when a client CA is configured; plaintext only under --insecure. */
  private credentials(): grpc.ServerCredentials {
    const c = this.config;
    if (c.insecure) return grpc.ServerCredentials.createInsecure();
    const clientCa = c.tlsClientCa ? fs.readFileSync(c.tlsClientCa) : null;
    return grpc.ServerCredentials.createSsl(
      clientCa,
      [{ cert_chain: fs.readFileSync(c.tlsCert!), private_key: fs.readFileSync(c.tlsKey!) }],
      clientCa !== null,
    );
  }

  /** SERVING only while the database answers: a coordinator that cannot persist must not take updates. */
  private async refreshHealth(): Promise<void> {
    let status: 'SERVING' | 'NOT_SERVING' = 'SERVING';
    try {
      await this.db.query('SELECT 1');
    } catch {
      status = 'NOT_SERVING';
    }
    this.health.setStatus('', status);
    this.health.setStatus(SERVICE_NAME, status);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.hub.closeAll();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 3000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
