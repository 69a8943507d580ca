import { TRANSACTION_COLUMNS, type CardTransaction } from '@syndicate/protocol';
import { parseNumericCell } from './cell-values';

export type TransactionParse = { ok: true; tx: CardTransaction } | { ok: false; problems: string[] };

const MAX_ID_LENGTH = 128;

function text(column: string, v: unknown, problems: string[]): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push(`${column}: required, a non-empty string`);
    return '';
  }
  if (v.length > MAX_ID_LENGTH) problems.push(`${column}: longer than ${MAX_ID_LENGTH} characters`);
  return v.trim();
}

function number(column: string, v: unknown, problems: string[], what: string): number {
  const x = typeof v === 'number' ? v : typeof v === 'string' ? parseNumericCell(v) : undefined;
  if (x === undefined || !Number.isFinite(x) || x < 0) {
    problems.push(`${column}: ${JSON.stringify(v) ?? 'missing'} is not ${what}`);
    return 0;
  }
  return x;
}

/**
 * A raw card transaction from a CSV row or a JSON request, by column name; the
 * same parse for training and serving. Problems name the column.
 */
export function parseTransaction(get: (column: string) => unknown): TransactionParse {
  const c = TRANSACTION_COLUMNS;
  const problems: string[] = [];
  const tx: CardTransaction = {
    cardId: text(c.cardId, get(c.cardId), problems),
    ts: number(c.ts, get(c.ts), problems, 'a Unix time in seconds (a non-negative number)'),
    amount: number(c.amount, get(c.amount), problems, 'an amount (a non-negative number)'),
    merchantId: text(c.merchantId, get(c.merchantId), problems),
    region: text(c.region, get(c.region), problems),
  };
  return problems.length ? { ok: false, problems } : { ok: true, tx };
}
