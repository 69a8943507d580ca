import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DataSchema } from '@syndicate/protocol';
import { loadCsvDataset } from './csv-dataset';

const schema = {
  features: [
    { name: 'tx_last_hour', type: 'numeric', center: 0, scale: 1, standardize: 'fixed', missing: 'error' },
    { name: 'new_merchant', type: 'numeric', center: 0, scale: 1, standardize: 'fixed', missing: 'error' },
    { name: 'mcc', type: 'categorical', vocabulary: ['fuel', 'digital'], missing: 'error' },
  ],
  target: { name: 'is_fraud' },
} as unknown as DataSchema;

function csv(lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'behaviour-')), 'tx.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('the CSV connector derives behavioural columns from raw transactions', () => {
  it('computes them per card in file order, cards interleaved', async () => {
    const d = await loadCsvDataset(
      csv([
        'card_id,ts,amount,merchant_id,region,mcc,is_fraud',
        'a,1000,5,m1,north,fuel,0',
        'b,1010,5,m1,north,fuel,0',
        'a,1020,1,m9,north,digital,1',
        'a,1030,1,m1,north,digital,1',
      ]),
      schema,
    );
    // Columns: tx_last_hour, new_merchant, mcc one-hot (2).
    expect(Array.from(d.features)).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 2, 0, 0, 1]);
  });

  it('names the row and column of a bad raw value, and asks for time order per card', async () => {
    const file = csv([
      'card_id,ts,amount,merchant_id,region,mcc,is_fraud',
      'a,1000,5,m1,north,fuel,0',
      'a,900,5,m1,north,fuel,0',
      'a,1100,-3,m1,north,fuel,0',
    ]);
    await expect(loadCsvDataset(file, schema)).rejects.toThrow(
      /row 3, column ts: 900 is earlier than card a's previous transaction \(1000\); sort the file by time/,
    );
    await expect(loadCsvDataset(file, schema)).rejects.toThrow(/row 4, column amount: "-3" is not an amount/);
  });

  it('needs the raw columns when the file lacks the derived ones', async () => {
    await expect(loadCsvDataset(csv(['card_id,ts,amount,mcc,is_fraud', 'a,1,2,fuel,0']), schema)).rejects.toThrow(
      /row 1, column merchant_id: missing from the header/,
    );
  });
});
