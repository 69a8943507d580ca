import type * as tlsModule from 'tls';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { BoundedCardStore, DEFAULT_MAX_CARDS } from '@syndicate/protocol';
import { loadFromSource, type ModelSource } from './model-source';
import { startScoringGrpc } from './scoring-grpc';
import { scoringServer } from './scoring-server';
import { ScoringService, type ShadowEntry } from './scoring-service';
import { ServeMetrics } from './serve-metrics';
import { httpsOptions, readServeTls, type ServeTls } from './serve-tls';
import { RedisCardStore } from './redis-card-store';

export interface ServeOptions {
  champion: ModelSource;
  challenger?: ModelSource;
  threshold: number;
  host?: string;
  port?: number;
  /** Also serve syndicate.v1.ScoringService/Score on this port (0: any free one); off when absent. */
  grpcPort?: number;
  maxCards?: number;
  /** Card histories in the bank's Redis (several replicas of one bank) instead of memory. */
  redis?: { url: string; prefix?: string; ttlDays?: number };
  /** HTTPS and gRPC over TLS with the bank's certificate; plaintext when absent. */
  tls?: ServeTls;
  /** Where shadow scores go, one JSON line per transaction (pino); stdout when "-". */
  shadowLog?: string;
  /** With a coordinator source: check for a newer champion this often (0: never). */
  pollSeconds?: number;
  logger?: pino.Logger;
}

export interface RunningServe {
  app: FastifyInstance;
  url: string;
  /** host:port of the gRPC scoring service, when started. */
  grpcAddress?: string;
  service: ScoringService;
  reload(): Promise<{ champion: string; challenger?: string }>;
  /** Re-reads the TLS certificate files (what SIGHUP does besides reloading the models). */
  reloadTls(): void;
  close(): Promise<void>;
}

/**
 * `syndicate-agent serve`: loads the champion (and a challenger in shadow),
 * listens, and swaps versions on reload (SIGHUP, `POST /v1/models/reload`, or
 * a newer version at the coordinator), each built fully before it replaces the
 * one serving, so no request fails for it.
 */
export async function startServe(o: ServeOptions): Promise<RunningServe> {
  const log = o.logger ?? pino({ level: 'info', base: { service: 'syndicate-serve' } }, pino.destination(2));
  // Read before any model loads: a wrong path fails at once, naming the flag.
  const tls = o.tls ? readServeTls(o.tls) : undefined;
  const store = new BoundedCardStore(o.maxCards ?? DEFAULT_MAX_CARDS);
  const shared = o.redis ? await RedisCardStore.connect(o.redis) : undefined;
  const metrics = new ServeMetrics(() => (shared ? NaN : store.size));
  const shadowLog = o.shadowLog
    ? pino(
        { base: null, timestamp: pino.stdTimeFunctions.isoTime },
        pino.destination({ dest: o.shadowLog === '-' ? 1 : o.shadowLog, sync: false, mkdir: true }),
      )
    : undefined;
  const champion = await loadFromSource(o.champion);
  const challenger = o.challenger ? await loadFromSource(o.challenger) : undefined;
  const service = new ScoringService(
    champion,
    store,
    o.threshold,
    challenger,
    (s, alert) => metrics.observeScore(s, alert),
    shadowLog ? (e: ShadowEntry) => shadowLog.info(e, 'shadow') : undefined,
    shared,
  );
  metrics.setModels(champion.version, challenger?.version);
  let reloading: Promise<{ champion: string; challenger?: string }> | undefined;
  const reload = () =>
    (reloading ??= (async () => {
      try {
        const next = await loadFromSource(o.champion);
        const nextChallenger = o.challenger ? await loadFromSource(o.challenger) : undefined;
        if (next.version !== service.models.champion) metrics.resetReference();
        service.swapChampion(next);
        service.setChallenger(nextChallenger);
        metrics.setModels(next.version, nextChallenger?.version);
        log.info({ ...service.models }, 'models loaded');
        return service.models;
      } finally {
        reloading = undefined;
      }
    })());
  const app = scoringServer({ service, metrics, reload, tls });
  const url = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 8088 });
  const grpcServer =
    o.grpcPort === undefined
      ? undefined
      : await startScoringGrpc({ service, metrics, host: o.host ?? '127.0.0.1', port: o.grpcPort, tls });
  log.info(
    {
      url,
      grpc: grpcServer?.address,
      tls: tls ? (tls.clientCa ? 'mutual' : 'server') : 'off',
      cards: shared ? `redis ${o.redis!.prefix ?? 'syndicate:card:'}*` : 'memory',
      ...service.models,
      threshold: o.threshold,
    },
    'scoring',
  );
  // A renewed certificate: both listeners take it for new connections; open ones (and their requests) carry on.
  const reloadTls = () => {
    if (!o.tls) return;
    const next = readServeTls(o.tls);
    (app.server as unknown as tlsModule.Server).setSecureContext(httpsOptions(next));
    grpcServer?.reloadTls(next);
    log.info({ cert: o.tls.certFile }, 'TLS certificate reloaded');
  };
  const onHup = () => {
    try {
      reloadTls();
    } catch (err) {
      log.error({ err }, 'TLS reload failed; the previous certificate keeps serving');
    }
    void reload().catch((err: unknown) => log.error({ err }, 'reload failed; the previous models keep serving'));
  };
  process.on('SIGHUP', onHup);
  const poll =
    o.champion.kind === 'coordinator' && o.pollSeconds ? setInterval(onHup, o.pollSeconds * 1000).unref() : undefined;
  return {
    app,
    url,
    grpcAddress: grpcServer?.address,
    service,
    reload,
    reloadTls,
    async close() {
      process.off('SIGHUP', onHup);
      if (poll) clearInterval(poll);
      await Promise.all([app.close(), grpcServer?.close()]);
      await shared?.close();
      shadowLog?.flush();
    },
  };
}
