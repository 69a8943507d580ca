import {
  BEHAVIOUR_FEATURES,
  BoundedCardStore,
  observeTransaction,
  TRANSACTION_COLUMNS,
  type CardStateStore,
} from '@syndicate/protocol';
import { parseTransaction } from './raw-transaction';

const DERIVABLE = new Set<string>(BEHAVIOUR_FEATURES);
const RAW = Object.values(TRANSACTION_COLUMNS);

/** How a CSV's rows get the behavioural columns the schema asks for and the file lacks. */
export interface DerivedColumns {
  /** Columns to read from the file: the schema's, minus those derived, plus the raw ones needed to derive them. */
  read: string[];
  /** Fills the derived columns of `record` from its raw ones, in file order; problems name the column. */
  derive(record: Record<string, string>): string[];
}

/**
 * The CSV connector's hook for behavioural features: when the schema names
 * features of `BEHAVIOUR_FEATURES` the file does not have, they are computed
 * from the raw transaction columns (card_id, ts, amount, merchant_id, region)
 * by the code the scoring service runs. Each card's rows must be in time
 * order (cards may interleave), as the switch would have seen them.
 */
export function behaviourColumns(
  header: string[],
  needed: string[],
  store: CardStateStore = new BoundedCardStore(),
): DerivedColumns {
  const present = new Set(header);
  const derived = needed.filter((c) => DERIVABLE.has(c) && !present.has(c));
  if (derived.length === 0) return { read: needed, derive: () => [] };
  const read = [...new Set([...needed.filter((c) => !derived.includes(c)), ...RAW])];
  return {
    read,
    derive(record) {
      const parsed = parseTransaction((c) => record[c]);
      if (!parsed.ok) return parsed.problems.map((p) => `column ${p} (needed to derive ${derived.join(', ')})`);
      const { tx } = parsed;
      const previous = store.get(tx.cardId)?.lastTs;
      if (previous !== undefined && tx.ts < previous)
        return [
          `column ${TRANSACTION_COLUMNS.ts}: ${tx.ts} is earlier than card ${tx.cardId}'s previous transaction (${previous}); sort the file by time`,
        ];
      const values = observeTransaction(store, tx);
      BEHAVIOUR_FEATURES.forEach((name, i) => {
        record[name] = String(values[i]);
      });
      return [];
    },
  };
}
