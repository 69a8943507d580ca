/**
 * `npm run bench`: secure-aggregation figures for Syndicate's BFV codec and the
 * baselines other frameworks use, on this machine, as JSON and a table.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Table from 'cli-table3';
import { Command } from 'commander';
import { ckksBaseline, paillierBaseline, plaintextFloat32, syndicateBfv, type CodecFigures } from './he-scheme-bench';
import { measureRound, type RoundScheme } from './secure-round-bench';

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
    .option('--quick', 'small sizes, for a smoke run')
    .option(
      '--load <members>',
      'load run only: this many members each upload an encrypted update of --params parameters in one round (JSON to bench/results/load.json)',
    )
    .parse(process.argv)
    .opts<{ params: string; participants: string; out: string; quick?: boolean; load?: string }>();
  const params = o.quick ? 50_000 : Number(o.params);
  if (o.load)
    return loadRun(
      params,
      Number(o.load),
      o.out.endsWith('secure-aggregation.json') ? path.join(REPO_ROOT, 'bench', 'results', 'load.json') : o.out,
    );
  const participants = Number(o.participants);
  const started = Date.now();

  log(`syndicate bench: ${params} parameters, ${participants} participants${o.quick ? ' (quick)' : ''}`);
  log('codec: syndicate_bfv');
  const bfv = await syndicateBfv(params, 100);
  log('codec: ckks_baseline');
  const ckks = await ckksBaseline(Math.min(params, o.quick ? 16_384 : 163_840));
  log('codec: paillier_baseline (2048-bit key generation takes a while)');
  const paillier = await paillierBaseline(o.quick ? 20 : 200);
  log('codec: plaintext');
  const plain = plaintextFloat32(params);

  const rounds: Record<RoundScheme, { seconds: number; rss: { '10': number; '50': number }; wire: number }> =
    {} as never;
  for (const scheme of ['plaintext', 'syndicate_bfv'] as RoundScheme[]) {
    log(`round: ${scheme}`);
    const timed = await measureRound(scheme, { params, participants, log });
    const r10 = await measureRound(scheme, { params, participants: 10, log });
    const r50 = await measureRound(scheme, { params, participants: o.quick ? 20 : 50, log });
    rounds[scheme] = {
      seconds: timed.round_seconds,
      rss: { '10': r10.coordinator_peak_rss_mib, '50': r50.coordinator_peak_rss_mib },
      wire: timed.wire_bytes_per_param,
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
    "round: light members over real gRPC to a coordinator process, no training; one member's encryption added to the critical path; includes the key ceremony (once per key epoch) and the encrypted-count phase";
  const result = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      date: new Date().toISOString(),
    },
    params,
    participants,
    schemes: {
      syndicate_bfv: withRound(bfv, rounds.syndicate_bfv, roundNote),
      ckks_baseline: withRound(ckks, undefined, 'no CKKS round path in Syndicate: codec figures only'),
      paillier_baseline: withRound(paillier, undefined, 'no Paillier round path in Syndicate: codec figures only'),
      plaintext: withRound(plain, rounds.plaintext, 'round: same harness, float32 updates, FedAvg at the coordinator'),
    },
    ratios: {
      he_round_over_plaintext: round(rounds.syndicate_bfv.seconds / rounds.plaintext.seconds),
      he_rss_growth_10_to_50_mib: round(rounds.syndicate_bfv.rss['50'] - rounds.syndicate_bfv.rss['10']),
    },
    seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);

  const table = new Table({
    head: ['scheme', 'bytes/param', 'encrypt/s', 'decrypt/s', 'aggregate/s', 'round s', 'RSS 10 MiB', 'RSS 50 MiB'],
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
    `${table.toString()}\nHE round / plaintext round: ${result.ratios.he_round_over_plaintext}x; coordinator RSS growth 10 -> 50 members: ${result.ratios.he_rss_growth_10_to_50_mib} MiB\nwritten to ${o.out} in ${result.seconds} s\n`,
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
