import nacl from 'tweetnacl';
import { buildSchemaIndex, categoryTag, openCategoryName, sealCategoryName } from './category-tags';
import { parseSchemaNames } from './schema-wire';

const epoch = nacl.randomBytes(32);

describe('category tags and sealed names', () => {
  it('tag the same value alike at every member of an epoch, and differently under another epoch or column', () => {
    expect(categoryTag(epoch, 'job', 'clerk')).toBe(categoryTag(new Uint8Array(epoch), 'job', 'clerk'));
    expect(categoryTag(epoch, 'job', 'clerk')).not.toBe(categoryTag(nacl.randomBytes(32), 'job', 'clerk'));
    expect(categoryTag(epoch, 'job', 'clerk')).not.toBe(categoryTag(epoch, 'title', 'clerk'));
    expect(categoryTag(epoch, 'job', 'clerk')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('seal a name so that only the epoch opens it, the same way every time', () => {
    const sealed = sealCategoryName(epoch, 'Zürich');
    expect(sealed).toBe(sealCategoryName(epoch, 'Zürich'));
    expect(Buffer.from(sealed, 'base64').includes(Buffer.from('Zürich'))).toBe(false);
    expect(openCategoryName(epoch, 'city', categoryTag(epoch, 'city', 'Zürich'), sealed)).toBe('Zürich');
    expect(() => openCategoryName(nacl.randomBytes(32), 'city', categoryTag(epoch, 'city', 'Zürich'), sealed)).toThrow(
      /does not open under this key epoch/,
    );
  });

  it("refuse a sealed name that is not its tag's (a member or relay swapped names)", () => {
    const tag = categoryTag(epoch, 'job', 'clerk');
    expect(() => openCategoryName(epoch, 'job', tag, sealCategoryName(epoch, 'pilot'))).toThrow(
      /does not match its tag/,
    );
    expect(openCategoryName(epoch, 'job', tag, sealCategoryName(epoch, 'clerk'))).toBe('clerk');
  });

  it('index the columns every member has, each tag once in tag order, whoever sent it', () => {
    const entry = (column: string, value: string) => ({
      column,
      tag: categoryTag(epoch, column, value),
      name: sealCategoryName(epoch, value),
    });
    const index = buildSchemaIndex([
      { columns: ['id', 'job', 'region'], categories: [entry('job', 'clerk'), entry('region', 'north')] },
      { columns: ['job', 'region'], categories: [entry('job', 'pilot'), entry('job', 'clerk')] },
      { columns: ['region', 'job', 'branch'], categories: [entry('region', 'south')] },
    ]);
    expect(index.notEverywhere).toEqual(['id', 'branch']);
    expect(index.columns.map((c) => c.name)).toEqual(['job', 'region']);
    const jobTags = index.columns[0].tags.map((t) => t.tag);
    expect(jobTags).toEqual([categoryTag(epoch, 'job', 'clerk'), categoryTag(epoch, 'job', 'pilot')].sort());
  });

  it('accept only tags and sealed names in a names contribution, listing each problem once', () => {
    const ok = {
      columns: ['job'],
      categories: [{ column: 'job', tag: categoryTag(epoch, 'job', 'x'), name: sealCategoryName(epoch, 'x') }],
    };
    expect(parseSchemaNames(JSON.stringify(ok)).problems).toEqual([]);
    // A count (or a name in the clear) has no place in it.
    const withCount = { ...ok, categories: [{ ...ok.categories[0], count: 12 }] };
    expect(parseSchemaNames(JSON.stringify(withCount)).problems).toEqual([
      "categories.0: Unrecognized key(s) in object: 'count'",
    ]);
    expect(
      parseSchemaNames(JSON.stringify({ columns: ['job', 'job'], categories: [{ ...ok.categories[0], column: 'x' }] }))
        .problems,
    ).toEqual(['columns: a column is listed twice', 'categories: column x is not in columns']);
  });
});
