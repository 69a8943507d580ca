import 'reflect-metadata';
import * as fs from 'fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'net';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import { createLogger, NestPinoLogger, type Logger } from './common/logger';
import type { CoordinatorConfig } from './config/coordinator-config';
import { GrpcServerService } from './grpc/grpc-server.service';
import { LeaderLease } from './leadership/leader-lease';
import { SwaggerModule } from '@nestjs/swagger';
import { routeCatalog } from './access/route-catalog';
import { openApiDocument } from './admin/openapi-document';
import { MetricsService } from './metrics/metrics.service';
import { serveMetrics } from './metrics/metrics-listener';
import { AgentAddress } from './participants/agent-address';
import { serveConsole } from './console/console-assets';

export interface RunningCoordinator {
  app: NestExpressApplication;
  grpcPort: number;
  httpPort: number;
  /** The plain-HTTP /metrics port, when `metricsPort` is set. */
  metricsPort?: number;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Called when this replica follows: another holds the leader lease (it serves agents and REST meanwhile). */
  onStandby?: (httpPort: number) => void;
}

/** One process serving gRPC to agents and REST to admins, over the same services. */
export async function startCoordinator(
  config: CoordinatorConfig,
  opts: StartOptions = {},
): Promise<RunningCoordinator> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  if (config.insecure)
    logger.warn(
      'TLS is OFF (--insecure): tokens, enrollment secrets and models cross the network in clear. Development only.',
    );
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger, opts.clock), {
    logger: new NestPinoLogger(logger),
    ...(config.insecure
      ? {}
      : { httpsOptions: { cert: fs.readFileSync(config.tlsCert!), key: fs.readFileSync(config.tlsKey!) } }),
    bodyParser: true,
    // Throw instead of process.exit: callers (CLI, tests) decide how to report it.
    abortOnError: false,
  });
  app.useBodyParser('json', { limit: '5mb' });
  app.enableShutdownHooks();
  // Served from local assets (swagger-ui-dist): nothing is fetched from the internet. Built on the first
  // request and kept: generating it from the zod schemas takes about a third of a second.
  SwaggerModule.setup('docs', app, () => openApiDocument(routeCatalog(app), '0.1.0'), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
  serveConsole(app);
  await app.listen(config.httpPort, config.httpHost);
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  // Every replica serves agents; only the one holding the lease drives rounds (active/active on PostgreSQL).
  const lease = app.get(LeaderLease);
  void lease.whenLeader(() => opts.onStandby?.(httpPort));
  const grpcPort = await app.get(GrpcServerService).serve();
  app.get(AgentAddress).bound(grpcPort);
  const metrics =
    config.metricsPort === undefined
      ? undefined
      : await serveMetrics(app.get(MetricsService), config.metricsPort, config.httpHost);
  const consoleUrl = `${config.insecure ? 'http' : 'https'}://${config.httpHost}:${httpPort}/console`;
  logger.info({ httpPort, grpcPort, metricsPort: metrics?.port, console: consoleUrl }, 'coordinator ready');
  if (config.readyFile)
    fs.writeFileSync(
      config.readyFile,
      JSON.stringify({ grpcPort, httpPort, metricsPort: metrics?.port, pid: process.pid }),
    );
  return {
    app,
    grpcPort,
    httpPort,
    metricsPort: metrics?.port,
    close: async () => {
      await metrics?.close();
      await app.close();
    },
  };
}
