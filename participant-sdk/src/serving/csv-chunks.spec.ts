import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { csvRecords } from '../data/csv-records';
import { CsvChunkReader, fieldText } from './csv-chunks';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-csv-chunks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function both(name: string, text: string, chunkBytes: number) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const expected: { row: number; fields: string[] }[] = [];
  for await (const r of csvRecords(file)) expected.push(r);
  const reader = new CsvChunkReader(file, 3, chunkBytes);
  const got: { row: number; fields: string[] }[] = [];
  for await (const c of reader.chunks()) {
    if (got.length === 0) reader.setWidth(8);
    for (let r = 0; r < c.records; r++) {
      const fields: string[] = [];
      for (let f = 0; f < c.width; f++) {
        const t = fieldText(c, r, f);
        if (t !== undefined) fields.push(t);
      }
      got.push({ row: c.row[r], fields });
    }
  }
  return { expected, got };
}

describe('CsvChunkReader: the batch scorer reads the dialect the training reader reads', () => {
  const tricky =
    '\ufeffa,b,c\r\n1, two ,3\r\n\r\n"x, ""quoted""",y,"multi\nline"\r\n\r\n4,5\r\n  6  ,"7", 8\r\nlast,row,no-newline';
  it.each([4, 7, 16, 1 << 20])('gives the same fields and row numbers as csv-parse (%i-byte reads)', async (bytes) => {
    const { expected, got } = await both(`tricky-${bytes}.csv`, tricky, bytes);
    expect(got).toEqual(expected);
    expect(got.map((r) => r.row)).toEqual([1, 2, 4, 6, 7, 8]);
  });

  it('names the row of an unclosed quote, as the training reader does', async () => {
    const file = path.join(dir, 'unclosed.csv');
    fs.writeFileSync(file, 'a,b\n1,2\n3,"open\n');
    const read = async () => {
      const reader = new CsvChunkReader(file);
      for await (const c of reader.chunks()) void c;
    };
    await expect(read()).rejects.toThrow(/row 3: not valid CSV: a quoted field is not closed/);
  });

  it('refuses a quote inside an unquoted field', async () => {
    const file = path.join(dir, 'stray.csv');
    fs.writeFileSync(file, 'a,b\n1,x"y\n');
    const read = async () => {
      for await (const c of new CsvChunkReader(file).chunks()) void c;
    };
    await expect(read()).rejects.toThrow(/row 2: not valid CSV: a quote inside the unquoted field 2/);
  });
});
