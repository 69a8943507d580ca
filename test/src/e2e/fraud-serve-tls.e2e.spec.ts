import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { loadScoringService } from '@syndicate/protocol';
import { startServe, type RunningServe } from '@syndicate/participant';
import { fraudPlan, writeModelFile } from '../support/fraud-fixture';
import { testPki, type TestPki } from '../support/test-pki';
import { startServeProcess } from '../support/serve-process';
import { makeDevPki, writeDevPki } from '@syndicate/coordinator';

const tx = {
  card_id: 'tls-1',
  ts: 1_767_600_000,
  amount: 42.5,
  merchant_id: 'north-grocery-3',
  region: 'north',
  mcc: 'grocery',
  channel: 'pos',
};
const grpcTx = {
  cardId: tx.card_id,
  ts: tx.ts,
  amount: tx.amount,
  merchantId: tx.merchant_id,
  region: tx.region,
  attributes: { mcc: tx.mcc, channel: tx.channel },
  txId: 'tls-tx',
};

type Outcome = { status: number; body: Record<string, unknown> } | { error: string };

/** POST one transaction with node's own clients, so the CA and client certificate are explicit. */
function postScore(url: string, tls: https.RequestOptions = {}): Promise<Outcome> {
  const u = new URL(`${url}/v1/score`);
  const body = JSON.stringify(tx);
  const request = u.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    const req = request(u, { method: 'POST', headers: { 'content-type': 'application/json' }, ...tls }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: { raw: text } });
        }
      });
    });
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(body);
  });
}

function grpcScore(
  address: string,
  credentials: grpc.ChannelCredentials,
): Promise<{ err: grpc.ServiceError | null; res?: Record<string, unknown> }> {
  const Client = loadScoringService();
  const client = new Client(address, credentials);
  return new Promise((resolve) =>
    (
      client as unknown as Record<
        string,
        (
          r: unknown,
          o: grpc.CallOptions,
          cb: (e: grpc.ServiceError | null, r?: Record<string, unknown>) => void,
        ) => void
      >
    ).Score(grpcTx, { deadline: Date.now() + 10_000 }, (err, res) => {
      client.close();
      resolve({ err, res });
    }),
  );
}

const scored = (o: Outcome) => ('status' in o ? { status: o.status, model: o.body.model } : o);

describe('`serve` over TLS with the bank’s own certificate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-serve-tls-'));
  const championFile = writeModelFile(path.join(dir, 'champion.json'), 'champion-tls', fraudPlan());
  const logger = pino({ level: 'silent' });
  let pki: TestPki;
  let ca: Buffer;
  let running: RunningServe | undefined;
  beforeAll(async () => {
    pki = await testPki();
    ca = fs.readFileSync(pki.caCert);
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const serve = (clientCa: boolean) =>
    startServe({
      champion: { kind: 'file', file: championFile },
      threshold: 0.5,
      port: 0,
      grpcPort: 0,
      logger,
      tls: {
        certFile: pki.coordinatorCert,
        keyFile: pki.coordinatorKey,
        ...(clientCa ? { clientCaFile: pki.caCert } : {}),
      },
    });

  it('scores for a TLS client over HTTPS and gRPC, and refuses plaintext clients on both', async () => {
    running = await serve(false);
    expect(running.url).toMatch(/^https:\/\//);
    expect(scored(await postScore(running.url, { ca }))).toEqual({ status: 200, model: 'champion-tls' });
    const tlsGrpc = await grpcScore(running.grpcAddress!, grpc.credentials.createSsl(ca));
    expect(tlsGrpc.err).toBeNull();
    expect(tlsGrpc.res).toMatchObject({ txId: 'tls-tx', model: 'champion-tls' });
    expect(tlsGrpc.res?.score).toEqual(expect.any(Number));

    // A client that does not speak TLS gets no score: the handshake fails before any request is read.
    const plain = await postScore(running.url.replace(/^https:/, 'http:'));
    expect('status' in plain && plain.status === 200).toBe(false);
    const plainGrpc = await grpcScore(running.grpcAddress!, grpc.credentials.createInsecure());
    expect(plainGrpc.err?.code).toBe(grpc.status.UNAVAILABLE);
    // A client that does not trust the bank's CA refuses the server in turn.
    expect(await postScore(running.url)).toEqual({ error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('with a client CA, scores only for callers presenting a certificate it signed', async () => {
    running = await serve(true);
    const clientCert = { cert: fs.readFileSync(pki.agentCert), key: fs.readFileSync(pki.agentKey) };
    expect(scored(await postScore(running.url, { ca, ...clientCert }))).toEqual({ status: 200, model: 'champion-tls' });
    const mutual = await grpcScore(
      running.grpcAddress!,
      grpc.credentials.createSsl(ca, clientCert.key, clientCert.cert),
    );
    expect(mutual.err).toBeNull();
    expect(mutual.res).toMatchObject({ model: 'champion-tls' });

    const anonymous = await postScore(running.url, { ca });
    expect('status' in anonymous && anonymous.status === 200).toBe(false);
    const anonymousGrpc = await grpcScore(running.grpcAddress!, grpc.credentials.createSsl(ca));
    expect(anonymousGrpc.err?.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('on SIGHUP takes a renewed certificate for new connections, with no request dropped on the open ones', async () => {
    // The renewed certificate comes from another CA, so which one a connection got is unmistakable.
    const renewedDir = fs.mkdtempSync(path.join(dir, 'renewed-'));
    const renewed = writeDevPki(
      renewedDir,
      await makeDevPki({ hosts: ['localhost', '127.0.0.1'], agents: [], days: 2 }),
    );
    const renewedCa = fs.readFileSync(renewed.caCert);
    const certFile = path.join(dir, 'serve.pem');
    const keyFile = path.join(dir, 'serve.key');
    fs.copyFileSync(pki.coordinatorCert, certFile);
    fs.copyFileSync(pki.coordinatorKey, keyFile);
    const serve = await startServeProcess([
      '--model',
      championFile,
      '--grpc-port',
      '0',
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
    ]);
    try {
      const url = serve.url;
      // One kept-alive connection scoring without pause across the reload.
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: [ca, renewedCa] });
      const outcomes: Outcome[] = [];
      let stop = false;
      const load = (async () => {
        while (!stop) outcomes.push(await postScore(url, { agent }));
      })();
      const fresh = (trust: Buffer) => postScore(url, { ca: trust, agent: false });
      expect(scored(await fresh(ca))).toEqual({ status: 200, model: 'champion-tls' });

      fs.copyFileSync(renewed.coordinatorCert, certFile);
      fs.copyFileSync(renewed.coordinatorKey, keyFile);
      serve.child.kill('SIGHUP');
      let switched = false;
      for (let i = 0; i < 200 && !switched; i++) {
        switched = 'status' in (await fresh(renewedCa));
        if (!switched) await new Promise((r) => setTimeout(r, 25));
      }
      stop = true;
      await load;
      agent.destroy();
      expect(switched).toBe(true);
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => !('status' in o) || o.status !== 200)).toEqual([]);
      // New connections now get the renewed certificate only, over HTTPS and gRPC.
      // (both dev CAs share a subject name, so the old trust fails on the signature)
      expect(await fresh(ca)).toEqual({
        error: expect.stringMatching(/^(CERT_SIGNATURE_FAILURE|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/),
      });
      expect((await grpcScore(serve.grpcAddress!, grpc.credentials.createSsl(renewedCa))).err).toBeNull();
      expect((await grpcScore(serve.grpcAddress!, grpc.credentials.createSsl(ca))).err?.code).toBe(
        grpc.status.UNAVAILABLE,
      );
    } finally {
      serve.child.kill('SIGTERM');
    }
  });

  it('names the flag of a certificate file it cannot read, before loading any model', async () => {
    await expect(
      startServe({
        champion: { kind: 'file', file: path.join(dir, 'absent-model.json') },
        threshold: 0.5,
        port: 0,
        logger,
        tls: { certFile: path.join(dir, 'absent.pem'), keyFile: pki.coordinatorKey },
      }),
    ).rejects.toThrow(/server certificate .*absent\.pem \(--tls-cert\) cannot be read \(ENOENT\)/);
  });
});
