#!/usr/bin/env node
/**
 * Plays a curious coordinator operator in a fresh process: given only what the
 * coordinator has (its database and its configuration), it reads every table
 * and reports which of the given secrets appear anywhere in it, and whether any
 * sealed key share or sealed model opens with keys it can make itself.
 *
 *   node coordinator-snoop.js <databaseUrl> <needles.json>   (needles: { name: hex })
 */
import * as fs from 'fs';
import nacl from 'tweetnacl';
import { openKeyShare, openSealedModel, sealedModelEpoch, DEFAULT_HE_PARAMETER_SET } from '@syndicate/protocol';

type Row = Record<string, unknown>;

async function readAllRows(databaseUrl: string): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  if (databaseUrl.startsWith('sqlite:')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    for (const { name } of tables) out[name] = db.prepare(`SELECT * FROM "${name}"`).all() as Row[];
    db.close();
    return out;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
  const { Client } = require('pg') as typeof import('pg');
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  const tables = await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  for (const { tablename } of tables.rows as { tablename: string }[])
    out[tablename] = (await c.query(`SELECT * FROM "${tablename}"`)).rows as Row[];
  await c.end();
  return out;
}

/** Every way a cell's bytes could be stored: raw, and text that might be hex or base64. */
function cellBytes(v: unknown): Buffer[] {
  if (Buffer.isBuffer(v)) return [v];
  if (v instanceof Uint8Array) return [Buffer.from(v)];
  if (typeof v !== 'string') return [Buffer.from(String(v))];
  const forms = [Buffer.from(v, 'utf8')];
  if (/^[0-9a-f]+$/i.test(v) && v.length % 2 === 0) forms.push(Buffer.from(v, 'hex'));
  if (/^[A-Za-z0-9+/=]+$/.test(v)) forms.push(Buffer.from(v, 'base64'));
  return forms;
}

async function main(): Promise<void> {
  const [databaseUrl, needlesFile] = process.argv.slice(2);
  const needles = JSON.parse(fs.readFileSync(needlesFile, 'utf8')) as Record<string, string>;
  const tables = await readAllRows(databaseUrl);
  const found: Record<string, string[]> = Object.fromEntries(Object.keys(needles).map((k) => [k, []]));
  let cells = 0;
  for (const [table, rows] of Object.entries(tables)) {
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        cells++;
        for (const bytes of cellBytes(value)) {
          for (const [name, hex] of Object.entries(needles)) {
            if (bytes.includes(Buffer.from(hex, 'hex')) && !found[name].includes(`${table}.${column}`))
              found[name].push(`${table}.${column}`);
          }
        }
      }
    }
  }
  // Try what an operator could: open shares and sealed models with keys it makes.
  let sharesOpened = 0;
  for (const s of tables.key_shares ?? []) {
    for (let i = 0; i < 3; i++) {
      try {
        const epoch = (tables.key_epochs ?? []).find((e) => Number(e.epoch) === Number(s.epoch));
        openKeyShare(
          { nonce: s.nonce as Buffer, box: s.sealedKey as Buffer },
          {
            parameterSet: DEFAULT_HE_PARAMETER_SET,
            keyEpoch: Number(s.epoch),
            dealerBoxPublicKey: nacl.box.keyPair().publicKey,
            wrappedKey: (epoch?.wrappedKey as Buffer) ?? Buffer.alloc(0),
          },
          nacl.box.keyPair().secretKey,
        );
        sharesOpened++;
      } catch {
        /* expected */
      }
    }
  }
  let sealedModelsOpened = 0;
  const sealed = (tables.model_versions ?? []).filter((m) => m.encoding === 'PAYLOAD_ENCODING_SEALED_FLOAT32');
  for (const m of sealed) {
    try {
      openSealedModel(m.data as Buffer, {
        parameterSet: DEFAULT_HE_PARAMETER_SET,
        keyEpoch: sealedModelEpoch(m.data as Buffer),
        epochSecret: new Uint8Array(0),
        sealSecretKey: new Uint8Array(0),
        modelKey: nacl.randomBytes(32),
      });
      sealedModelsOpened++;
    } catch {
      /* expected */
    }
  }
  const sums = (tables.round_accumulators ?? []).map((r) => ({ roundId: r.roundId, kind: r.kind }));
  process.stdout.write(
    `${JSON.stringify({ tables: Object.keys(tables), cells, found, keyShares: (tables.key_shares ?? []).length, sharesOpened, sealedModels: sealed.length, sealedModelsOpened, sums })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`snoop failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
