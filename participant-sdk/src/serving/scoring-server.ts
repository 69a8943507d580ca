import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { CardStoreUnavailable } from './redis-card-store';
import type { ScoreOutcome, ScoringService } from './scoring-service';
import type { ServeMetrics } from './serve-metrics';
import { httpsOptions, type ServeTlsMaterial } from './serve-tls';

/** Requests are one transaction; anything near this is not one. */
const BODY_LIMIT = 16 * 1024;

/**
 * The HTTP face of the scoring service: it only translates. `POST /v1/score`
 * answers 200 with the score, decision and reasons, or 400 naming each bad
 * field; no request can take the process down (every error is answered).
 * `reload` swaps in new model versions between requests.
 */
export function scoringServer(o: {
  service: ScoringService;
  metrics: ServeMetrics;
  reload: () => Promise<{ champion: string; challenger?: string }>;
  /** HTTPS with the bank's certificate (client certificates required when it holds a client CA). */
  tls?: ServeTlsMaterial;
}): FastifyInstance {
  const options = { logger: false, bodyLimit: BODY_LIMIT, return503OnClosing: false };
  // The routes do not depend on the transport; fastify's types do, so the HTTPS instance is viewed as the plain one.
  const app = o.tls
    ? (Fastify({ ...options, https: httpsOptions(o.tls) }) as unknown as FastifyInstance)
    : Fastify(options);
  const started = new WeakMap<object, bigint>();
  app.addHook('onRequest', (req, _reply, done) => {
    started.set(req.raw, process.hrtime.bigint());
    done();
  });
  app.addHook('onResponse', (req, _reply, done) => {
    const t0 = started.get(req.raw);
    if (t0 !== undefined && req.routeOptions.url === '/v1/score')
      o.metrics.latency.observe(Number(process.hrtime.bigint() - t0) / 1e9);
    done();
  });
  // Unparseable JSON, a wrong content type, an oversized body: a 400 that says so, never a crash.
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    // Every client error is a 400 (an oversized body included): one status for "fix the request".
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? 400 : 500;
    if (status === 400) o.metrics.rejected.inc({ field: '(body)' });
    void reply.code(status).send({
      error: status === 500 ? 'internal error' : 'bad request',
      problems: [{ field: '(body)', message: err.message }],
    });
  });

  const answer = (reply: FastifyReply, outcome: ScoreOutcome) => {
    if (outcome.ok) return reply.send(outcome.result);
    o.metrics.rejected.inc({ field: outcome.problems[0].field });
    return reply.code(400).send({ error: 'bad request', problems: outcome.problems });
  };
  if (o.service.shared)
    app.post('/v1/score', async (req, reply) => {
      try {
        return answer(reply, await o.service.scoreShared(req.body));
      } catch (err) {
        // The card store is down or the card too contended: the switch retries or falls back to its own rules.
        if (!(err instanceof CardStoreUnavailable)) throw err;
        return reply
          .code(503)
          .send({ error: 'card store unavailable', problems: [{ field: '(store)', message: err.message }] });
      }
    });
  else app.post('/v1/score', (req, reply) => answer(reply, o.service.score(req.body)));
  app.get('/metrics', async (_req, reply) => {
    const text = await o.metrics.registry.metrics();
    return reply.type(o.metrics.registry.contentType).send(text);
  });
  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok', ...o.service.models }));
  app.post('/v1/models/reload', async (_req, reply) => reply.send(await o.reload()));
  return app;
}
