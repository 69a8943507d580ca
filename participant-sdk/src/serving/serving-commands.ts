import type { Command } from 'commander';
import pino from 'pino';
import type { AgentTransport } from '../agent/transport';
import { scoreFile } from './batch-score';
import { loadFromSource, type ModelSource } from './model-source';
import { startServe } from './serve-runtime';
import { serveTlsFromFlags } from './serve-tls';

interface TransportHelpers {
  withTransport(cmd: Command): Command;
  transportOf(o: { ca?: string; cert?: string; key?: string; insecure?: boolean }): AgentTransport;
}

interface ModelFlags {
  model?: string;
  plan?: string;
  stateDir?: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  consortiumModel?: boolean;
}

function threshold(v: string): number {
  const x = Number(v);
  if (!(x >= 0 && x <= 1)) throw new Error(`--threshold must be a score in [0, 1], got ${v}`);
  return x;
}

function positiveInt(flag: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isSafeInteger(x) || x < 0) throw new Error(`${flag} must be a non-negative integer, got ${v}`);
    return x;
  };
}

function threadCount(v: string): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x) || x < 1 || x > 64)
    throw new Error(`--threads must be an integer from 1 to 64, got ${v}`);
  return x;
}

function championSource(o: ModelFlags, t: TransportHelpers): ModelSource {
  if (o.model) return { kind: 'file', file: o.model, planFile: o.plan };
  if (o.stateDir)
    return { kind: 'coordinator', stateDir: o.stateDir, transport: t.transportOf(o), consortium: o.consortiumModel };
  throw new Error(
    'say which model to score with: --model model.json (from `model pull`) or --state-dir DIR (the model this bank chose, else the champion)',
  );
}

/** `serve` (on-prem scoring over HTTP) and `score` (a transaction file in, scores out). */
export function registerServingCommands(program: Command, t: TransportHelpers): void {
  t.withTransport(program.command('serve'))
    .description(
      'Score transactions on-prem over HTTP: POST /v1/score with one transaction, answered with its score, decision and top reasons; Prometheus metrics at /metrics.',
    )
    .option(
      '--model <model.json>',
      'champion model written by `syndicate-agent model pull --out model.json` (re-read on reload)',
    )
    .option('--plan <plan.json>', "training plan, when the model file does not carry the model's layers")
    .option(
      '--state-dir <dir>',
      "instead of --model: the model this bank chose with `benefit` (personalized-model.json), else the federation's champion pulled with this member's keys (members-only models are decrypted here)",
    )
    .option(
      '--consortium-model',
      "with --state-dir: score with the consortium's champion even when this bank chose its own model (personalized-model.json, written by benefit)",
    )
    .option(
      '--poll-seconds <n>',
      'with --state-dir: check the coordinator for a newer model this often (0: only on reload)',
      positiveInt('--poll-seconds'),
      300,
    )
    .option(
      '--challenger <model.json>',
      'a challenger scored in shadow on every transaction; both scores go to --shadow-log',
    )
    .option('--shadow-log <file>', 'JSON lines of champion and challenger scores ("-" for stdout)')
    .option('--threshold <score>', "the bank's alert threshold: decision is alert when score >= it", threshold, 0.5)
    .option('--host <host>', 'listen address (keep it on the payment network)', '127.0.0.1')
    .option(
      '--tls-cert <file.pem>',
      "the bank's server certificate chain: HTTPS and gRPC over TLS (env SYNDICATE_SERVE_TLS_CERT)",
      process.env.SYNDICATE_SERVE_TLS_CERT,
    )
    .option(
      '--tls-key <file.key>',
      'private key of --tls-cert (env SYNDICATE_SERVE_TLS_KEY)',
      process.env.SYNDICATE_SERVE_TLS_KEY,
    )
    .option(
      '--tls-client-ca <file.pem>',
      'require callers (the payment switch) to present a certificate signed by this CA (env SYNDICATE_SERVE_TLS_CLIENT_CA)',
      process.env.SYNDICATE_SERVE_TLS_CLIENT_CA,
    )
    .option('--plaintext', 'listen without TLS on a non-loopback --host (card data in clear on that network)')
    .option('--port <port>', 'listen port', positiveInt('--port'), 8088)
    .option(
      '--grpc-port <port>',
      'also serve syndicate.v1.ScoringService/Score over gRPC on this port',
      positiveInt('--grpc-port'),
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent', 'info')
    .option(
      '--max-cards <n>',
      'card histories kept in memory, least recently used evicted (about 1 KiB each)',
      positiveInt('--max-cards'),
      1_000_000,
    )
    .option(
      '--redis-url <url>',
      "keep card histories in the bank's Redis, shared by several serve replicas, instead of memory (env SYNDICATE_SERVE_REDIS_URL)",
      process.env.SYNDICATE_SERVE_REDIS_URL,
    )
    .option('--redis-prefix <prefix>', 'key prefix of the card histories in Redis', 'syndicate:card:')
    .option(
      '--card-ttl-days <days>',
      'with --redis-url: forget a card this many days after its last transaction (bounds Redis memory)',
      positiveInt('--card-ttl-days'),
      30,
    )
    .action(
      async (
        o: ModelFlags & {
          pollSeconds: number;
          challenger?: string;
          shadowLog?: string;
          threshold: number;
          host: string;
          port: number;
          maxCards: number;
          logLevel: string;
          grpcPort?: number;
          tlsCert?: string;
          tlsKey?: string;
          tlsClientCa?: string;
          plaintext?: boolean;
          redisUrl?: string;
          redisPrefix: string;
          cardTtlDays: number;
        },
      ) => {
        const tls = serveTlsFromFlags(o);
        const running = await startServe({
          tls,
          champion: championSource(o, t),
          challenger: o.challenger ? { kind: 'file', file: o.challenger, planFile: o.plan } : undefined,
          shadowLog: o.shadowLog ?? (o.challenger ? '-' : undefined),
          threshold: o.threshold,
          host: o.host,
          port: o.port,
          maxCards: o.maxCards,
          redis: o.redisUrl ? { url: o.redisUrl, prefix: o.redisPrefix, ttlDays: o.cardTtlDays } : undefined,
          pollSeconds: o.pollSeconds,
          grpcPort: o.grpcPort,
          logger: pino({ level: o.logLevel, base: { service: 'syndicate-serve' } }, pino.destination(2)),
        });
        process.stdout.write(
          `scoring at ${running.url}/v1/score${running.grpcAddress ? ` and gRPC ${running.grpcAddress}` : ''} (${running.service.models.champion})\n`,
        );
        const stop = () => void running.close().then(() => process.exit(0));
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      },
    );

  t.withTransport(program.command('score'))
    .description(
      'Score a transaction file (rows in time order per card, as for training): one line per row with score and decision.',
    )
    .requiredOption(
      '--data <tx.csv>',
      "transactions: card_id, ts, amount, merchant_id, region and the plan's other features",
    )
    .requiredOption('--out <scores.csv>', 'where the scores go')
    .option('--model <model.json>', 'model written by `syndicate-agent model pull --out model.json`')
    .option('--plan <plan.json>', "training plan, when the model file does not carry the model's layers")
    .option(
      '--state-dir <dir>',
      "instead of --model: the model this bank chose with `benefit`, else the federation's champion pulled with this member's keys",
    )
    .option(
      '--consortium-model',
      "with --state-dir: score with the consortium's champion even when this bank chose its own model (personalized-model.json, written by benefit)",
    )
    .option('--threshold <score>', 'alert threshold', threshold, 0.5)
    .option(
      '--threads <n>',
      'scoring threads, each owning a share of the cards (default 1; a second pays only with an idle core and a file of hundreds of thousands of rows)',
      threadCount,
    )
    .action(async (o: ModelFlags & { data: string; out: string; threshold: number; threads?: number }) => {
      const model = await loadFromSource(championSource(o, t));
      const r = await scoreFile({ model, data: o.data, out: o.out, threshold: o.threshold, threads: o.threads });
      process.stdout.write(
        `${r.rows} transactions scored in ${r.seconds.toFixed(2)} s (${Math.round(r.rows / r.seconds)} tx/s; ${Math.round(r.rows / r.cpuSeconds)} tx per CPU-second; ${r.threads} thread${r.threads > 1 ? 's' : ''}) with ${model.version} -> ${o.out}\n`,
      );
    });
}
