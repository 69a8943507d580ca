/**
 * `npm run bench`: secure-aggregation figures for Syndicate's BFV codec and the
 * baselines other frameworks use, on this machine, as JSON and a table.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Table from 'cli-table3';
import { Command } from 'commander';
import {
  CKKS_CONFIGS,
  ckksBaseline,
  packedPaillierBaseline,
  paillierBaseline,
  plaintextFloat32,
  syndicateBfv,
  type CodecFigures,
} from './he-scheme-bench';
import { measureRound, type RoundScheme } from './secure-round-bench';
import { steadyFigures } from './steady-figures';
import { steadyRounds } from './steady-rounds-bench';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

interface SchemeFigures extends CodecFigures {
  round_seconds: number | null;
  coordinator_rss_mib: { '10': number | null; '50': number | null };
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const round = (x: number | null, digits = 3) => (x === null ? null : Number(x.toPrecision(digits + 2)));

async function main(): Promise<void> {
  const o = new Command('syndicate-bench')
    .description('Secure-aggregation benchmark: wire size, crypto throughput, round time and coordinator memory.')
    .option('--params <n>', 'model parameters', '1000000')
    .option('--participants <n>', 'members in the timed round', '8')
    .option('--out <file>', 'JSON output', path.join(REPO_ROOT, 'bench', 'results', 'secure-aggregation.json'))
    .option('--rounds <n>', 'rounds of each scheme in the one long-running coordinator (the first is cold)', '6')
    .option('--creep-params <n>', 'model parameters of the 20-round memory run', '4000000')
    .option('--no-creep', 'skip the 20-round memory run')
    .option('--quick', 'small sizes, for a smoke run')
    .option(
      '--load <members>',
      'load run only: this many members each upload an encrypted update of --params parameters in one round (JSON to bench/results/load.json)',
    )
    .parse(process.argv)
    .opts<{
      params: string;
      participants: string;
      out: string;
      quick?: boolean;
      load?: string;
      rounds: string;
      creepParams: string;
      creep: boolean;
    }>();
  const params = o.quick ? 50_000 : Number(o.params);
  if (o.load)
    return loadRun(
      params,
      Number(o.load),
      o.out.endsWith('secure-aggregation.json') ? path.join(REPO_ROOT, 'bench', 'results', 'load.json') : o.out,
    );
  const participants = Number(o.participants);
  const started = Date.now();
  const loadStart = os.loadavg()[0];

  log(`syndicate bench: ${params} parameters, ${participants} participants${o.quick ? ' (quick)' : ''}`);
  log('codec: syndicate_bfv');
  const bfv = await syndicateBfv(params, 100);
  const ckks: Record<string, CodecFigures> = {};
  for (const [name, cfg] of Object.entries(CKKS_CONFIGS)) {
    log(`codec: ${name}`);
    ckks[name] = await ckksBaseline(Math.min(params, o.quick ? 16_384 : 163_840), cfg);
  }
  log('codec: paillier_baseline (2048-bit key generation takes a while)');
  const paillier = await paillierBaseline(o.quick ? 20 : 200);
  log('codec: paillier_packed');
  const paillierPacked = await packedPaillierBaseline(o.quick ? 4 : 20);
  log(`steady rounds: ${o.rounds} of each scheme in one coordinator, ${participants} members`);
  const steady = await steadyRounds({
    params,
    members: participants,
    rounds: Number(o.rounds),
    schemes: ['plaintext', 'syndicate_bfv'],
    log,
  });
  const creepParams = o.quick ? 50_000 : Number(o.creepParams);
  let creep: Awaited<ReturnType<typeof steadyRounds>> | null = null;
  if (o.creep) {
    log(`memory: 20 rounds of each scheme in one coordinator, ${creepParams} parameters, 4 members`);
    creep = await steadyRounds({
      params: creepParams,
      members: 4,
      rounds: 20,
      schemes: ['plaintext', 'syndicate_bfv'],
      log,
    });
  }
  const figures = steadyFigures({ params, steady, creep, creepParams, encryptParamsPerS: bfv.encrypt_params_per_s });
  log('codec: plaintext');
  const plain = plaintextFloat32(params);

  const rounds: Record<RoundScheme, { seconds: number; rss: { '10': number; '50': number }; wire: number }> =
    {} as never;
  for (const scheme of ['plaintext', 'syndicate_bfv'] as RoundScheme[]) {
    log(`memory: one round of ${scheme} with 10 and with ${o.quick ? 20 : 50} members, a fresh coordinator each`);
    const r10 = await measureRound(scheme, { params, participants: 10, log });
    const r50 = await measureRound(scheme, { params, participants: o.quick ? 20 : 50, log });
    rounds[scheme] = {
      seconds: figures.steadyRoundSeconds[scheme],
      rss: { '10': r10.coordinator_peak_rss_mib, '50': r50.coordinator_peak_rss_mib },
      wire: figures.uploadBytesPerParam[scheme],
    };
  }

  const withRound = (c: CodecFigures, r?: (typeof rounds)[RoundScheme], extraNote?: string): SchemeFigures => ({
    wire_bytes_per_param: round(r ? r.wire : c.wire_bytes_per_param)!,
    encrypt_params_per_s: round(c.encrypt_params_per_s)!,
    decrypt_params_per_s: round(c.decrypt_params_per_s)!,
    aggregate_params_per_s: round(c.aggregate_params_per_s)!,
    round_seconds: r ? round(r.seconds) : null,
    coordinator_rss_mib: { '10': r ? round(r.rss['10']) : null, '50': r ? round(r.rss['50']) : null },
    note: [c.note, extraNote].filter(Boolean).join('; '),
  });
  const roundNote =
    "round: median steady round (the first, with the key ceremony and SEAL's cold start, excluded) of light members over real gRPC + TLS to one long-running coordinator process, no training; every member uploads its count and update and downloads the count sum and the model sum, the publisher decrypts and publishes; one member's encryption and signing on the critical path (the delta itself is not counted); wire: upload bytes on the TLS socket; no pairwise masking yet (issue 15)";
  const result = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      date: new Date().toISOString(),
      // Other agents share these 2 cores: the load says how much (1.0 = one core busy).
      load_average_1min: { start: round(loadStart), end: round(os.loadavg()[0]) },
    },
    params,
    participants,
    schemes: {
      syndicate_bfv: withRound(bfv, rounds.syndicate_bfv, roundNote),
      ...Object.fromEntries(
        Object.entries(ckks).map(([k, c]) => [
          k,
          withRound(c, undefined, 'no CKKS round path in Syndicate: codec figures only'),
        ]),
      ),
      paillier_baseline: withRound(paillier, undefined, 'no Paillier round path in Syndicate: codec figures only'),
      paillier_packed: withRound(paillierPacked, undefined, 'no Paillier round path in Syndicate: codec figures only'),
      plaintext: withRound(
        plain,
        rounds.plaintext,
        'round: same harness and coordinator, float32 updates, every member downloads the global model first, FedAvg at the coordinator (in-memory running sum)',
      ),
    },
    steady: figures.steady,
    targets: figures.targets,
    ratios: {
      he_round_over_plaintext: round(rounds.syndicate_bfv.seconds / rounds.plaintext.seconds),
      he_rss_growth_10_to_50_mib: round(rounds.syndicate_bfv.rss['50'] - rounds.syndicate_bfv.rss['10']),
    },
    seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);

  const table = new Table({
    head: ['scheme', 'upload B/param', 'encrypt/s', 'decrypt/s', 'add/s', 'round s', 'RSS 10 MiB', 'RSS 50 MiB'],
    style: { head: [], border: [] },
  });
  const fmt = (x: number | null) => (x === null ? '-' : x >= 1e5 ? `${(x / 1e6).toFixed(2)}M` : String(round(x, 2)));
  for (const [name, s] of Object.entries(result.schemes)) {
    table.push([
      name,
      fmt(s.wire_bytes_per_param),
      fmt(s.encrypt_params_per_s),
      fmt(s.decrypt_params_per_s),
      fmt(s.aggregate_params_per_s),
      fmt(s.round_seconds),
      fmt(s.coordinator_rss_mib['10']),
      fmt(s.coordinator_rss_mib['50']),
    ]);
  }
  process.stdout.write(
    `${table.toString()}\ntargets: ${JSON.stringify(result.targets, null, 1)}\nHE round / plaintext round: ${result.ratios.he_round_over_plaintext}x; coordinator RSS growth 10 -> 50 members: ${result.ratios.he_rss_growth_10_to_50_mib} MiB\nwritten to ${o.out} in ${result.seconds} s\n`,
  );
  process.exit(0);
}

/** Many members, one round: is everything accepted, and does coordinator memory stay flat as members grow? */
async function loadRun(params: number, members: number, out: string): Promise<void> {
  const started = Date.now();
  log(`syndicate load bench: ${members} members x ${params} parameters, encrypted, one round`);
  const small = await measureRound('syndicate_bfv', { params, participants: 10, log });
  const big = await measureRound('syndicate_bfv', { params, participants: members, log });
  const result = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      date: new Date().toISOString(),
    },
    params,
    members,
    accepted: big.contributors,
    round_seconds: round(big.round_seconds),
    wire_bytes_per_param: round(big.wire_bytes_per_param),
    coordinator_peak_rss_mib: {
      '10': round(small.coordinator_peak_rss_mib),
      [String(members)]: round(big.coordinator_peak_rss_mib),
    },
    coordinator_connected_rss_mib: {
      '10': round(small.coordinator_connected_rss_mib),
      [String(members)]: round(big.coordinator_connected_rss_mib),
    },
    rss_growth_mib: round(big.coordinator_peak_rss_mib - small.coordinator_peak_rss_mib),
    // Against what holding every update whole would cost: growth per extra member vs one update's size.
    rss_growth_per_member_mib: round((big.coordinator_peak_rss_mib - small.coordinator_peak_rss_mib) / (members - 10)),
    // What an idle TLS + HTTP/2 connection costs, and what the round adds above that per member.
    connection_rss_per_member_mib: round(
      (big.coordinator_connected_rss_mib - small.coordinator_connected_rss_mib) / (members - 10),
    ),
    round_rss_growth_per_member_mib: round(
      (big.coordinator_peak_rss_mib -
        big.coordinator_connected_rss_mib -
        (small.coordinator_peak_rss_mib - small.coordinator_connected_rss_mib)) /
        (members - 10),
    ),
    update_mib: round((big.wire_bytes_per_param * params) / 2 ** 20),
    note: 'light members (no training) over real gRPC + TLS to a coordinator process; every member sends the same ciphertext (encrypted once); peak RSS is VmHWM of the coordinator process',
    seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${out}\n`);
  process.exit(big.contributors === members ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
