import type { Command } from 'commander';
import { loadCoordinatorConfig } from '../config/coordinator-config';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the coordinator: gRPC for bank agents, REST for administrators.')
    .option('--config <file.yaml>', 'settings file (env SYNDICATE_CONFIG); environment and flags override it')
    .option('--database <url>', 'sqlite:<file> or postgres://… (env DATABASE_URL; default sqlite:var/syndicate.sqlite)')
    .option('--grpc-host <host>', 'gRPC listen address (env SYNDICATE_GRPC_HOST; default 127.0.0.1)')
    .option('--grpc-port <port>', 'gRPC port, 0 picks a free one (env SYNDICATE_GRPC_PORT; default 50051)')
    .option('--http-host <host>', 'REST listen address (env SYNDICATE_HTTP_HOST; default 127.0.0.1)')
    .option('--http-port <port>', 'REST port, 0 picks a free one (env SYNDICATE_HTTP_PORT; default 8080)')
    .option(
      '--metrics-port <port>',
      'also serve /metrics over plain HTTP on this port, for in-cluster scrapers (env SYNDICATE_METRICS_PORT; 0 picks one)',
    )
    .option(
      '--advertised-grpc-address <host:port>',
      'the address agents dial, printed in invitations and kits (env SYNDICATE_ADVERTISED_GRPC_ADDRESS)',
    )
    .option('--tick-ms <ms>', 'how often deadlines are checked (default 500)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (default info)')
    .option('--ready-file <path>', 'write {"grpcPort","httpPort","pid"} here once listening')
    .option('--tls-cert <file.pem>', 'server certificate chain for gRPC and REST (env SYNDICATE_TLS_CERT)')
    .option('--tls-key <file.key>', 'its private key (env SYNDICATE_TLS_KEY)')
    .option(
      '--tls-client-ca <file.pem>',
      'require agent client certificates from this CA: mutual TLS (env SYNDICATE_TLS_CLIENT_CA)',
    )
    .option('--insecure', 'plaintext listeners, for local development only (command line only: never from env or file)')
    .addHelpText(
      'after',
      '\nSettings (YAML file keys): databaseUrl, grpcHost, grpcPort, httpHost, httpPort, tickMs, maxPayloadBytes, maxConcurrentUploads, logLevel,\n' +
        'tlsCert, tlsKey, tlsClientCa, metricsPort, advertisedGrpcAddress (plaintext: --insecure on the command line only). A bad configuration prints every problem and exits 2.\n\n' +
        'Example:\n  syndicate serve --database postgres://syndicate@db:5432/syndicate --grpc-host 0.0.0.0 \\\n    --tls-cert /etc/syndicate/tls.crt --tls-key /etc/syndicate/tls.key --tls-client-ca /etc/syndicate/agents-ca.crt\n',
    )
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const config = loadCoordinatorConfig(
        {
          databaseUrl: o.database,
          grpcHost: o.grpcHost,
          grpcPort: o.grpcPort,
          httpHost: o.httpHost,
          httpPort: o.httpPort,
          tickMs: o.tickMs,
          metricsPort: o.metricsPort,
          advertisedGrpcAddress: o.advertisedGrpcAddress,
          logLevel: o.logLevel,
          readyFile: o.readyFile,
          tlsCert: o.tlsCert,
          tlsKey: o.tlsKey,
          tlsClientCa: o.tlsClientCa,
          insecure: o.insecure ? true : undefined,
        },
        process.env,
        (o.config as string | undefined) ?? (process.env.SYNDICATE_CONFIG || undefined),
      );
      const { startCoordinator } = await import('../coordinator-app');
      const running = await startCoordinator(config, {
        onStandby: (httpPort) =>
          process.stdout.write(
            `syndicate coordinator: follower (REST on ${httpPort}); serving agents while another replica holds the leader lease and drives rounds, taking over when it goes\n`,
          ),
      });
      const scheme = config.insecure ? 'http' : 'https';
      process.stdout.write(
        `syndicate coordinator: gRPC${config.insecure ? ' (plaintext)' : ' (TLS)'} on ${config.grpcHost}:${running.grpcPort}, REST on ${scheme}://${config.httpHost}:${running.httpPort}${running.metricsPort === undefined ? '' : `, metrics on http://${config.httpHost}:${running.metricsPort}/metrics`}\n`,
      );
      const stop = async () => {
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
