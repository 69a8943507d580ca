import * as grpc from '@grpc/grpc-js';
import { loadScoringService } from '@syndicate/protocol';
import { CardStoreUnavailable } from './redis-card-store';
import type { ScoreOutcome, ScoringService } from './scoring-service';
import { grpcServerCredentials, ServeCertificates, type ServeTlsMaterial } from './serve-tls';
import type { ServeMetrics } from './serve-metrics';

interface ScoreRequest {
  cardId: string;
  ts: number;
  amount: number;
  merchantId: string;
  region: string;
  attributes: Record<string, string>;
  txId: string;
}

/**
 * The gRPC face of the scoring service (syndicate.v1.ScoringService/Score):
 * translates the message to the same fields as the HTTP body and back.
 * TLS with the bank's certificate when `tls` is given (mutual with a client CA);
 * plaintext otherwise, which `serve` allows off loopback only when told.
 */
export async function startScoringGrpc(o: {
  service: ScoringService;
  metrics: ServeMetrics;
  host: string;
  port: number;
  tls?: ServeTlsMaterial;
}): Promise<{ address: string; reloadTls(m: ServeTlsMaterial): void; close(): Promise<void> }> {
  const server = new grpc.Server();
  const certs = o.tls ? new ServeCertificates(o.tls) : undefined;
  server.addService(loadScoringService().service, {
    Score(call: grpc.ServerUnaryCall<ScoreRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const t0 = process.hrtime.bigint();
      const r = call.request;
      const answer = (outcome: ScoreOutcome): void => {
        if (!outcome.ok) {
          o.metrics.rejected.inc({ field: outcome.problems[0].field });
          callback({
            code: grpc.status.INVALID_ARGUMENT,
            details: outcome.problems.map((p) => `${p.field}: ${p.message}`).join('; '),
          });
          return;
        }
        const s = outcome.result;
        callback(null, {
          txId: r.txId,
          cardId: s.card_id,
          score: s.score,
          decision: s.decision,
          threshold: s.threshold,
          reasons: s.reasons,
          model: s.model,
        });
        o.metrics.latency.observe(Number(process.hrtime.bigint() - t0) / 1e9);
      };
      const body = {
        ...r.attributes,
        card_id: r.cardId,
        ts: r.ts,
        amount: r.amount,
        merchant_id: r.merchantId,
        region: r.region,
      };
      if (!o.service.shared) return answer(o.service.score(body));
      o.service.scoreShared(body).then(answer, (err: unknown) =>
        callback({
          code: err instanceof CardStoreUnavailable ? grpc.status.UNAVAILABLE : grpc.status.INTERNAL,
          details: err instanceof CardStoreUnavailable ? err.message : 'internal error',
        }),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.host}:${o.port}`, grpcServerCredentials(certs, o.tls?.clientCa !== undefined), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `${o.host}:${port}`,
    reloadTls: (m) => certs?.update(m),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
