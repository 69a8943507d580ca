import * as fs from 'fs';
import * as path from 'path';
import { REASON_MEANINGS } from '@syndicate/protocol';
import { reasonLiterals, unlistedReasons } from './reason-literals';

const root = path.resolve(__dirname, '..', '..', '..');
const sources = ['coordinator/src', 'participant-sdk/src'].flatMap((dir) =>
  (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => path.join(dir, f)),
);
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('reason codes: one list in @syndicate/protocol, used by both sides', () => {
  it('every reason literal in the coordinator and the agent is listed', () => {
    const unlisted = sources.flatMap((f) =>
      unlistedReasons(reasonLiterals(read(f))).map((l) => `${f}:${l.line} ${l.code}${l.template ? '${...}' : ''}`),
    );
    expect(unlisted).toEqual([]);
  });

  it('the scan sees the places codes are written (so an empty scan cannot pass)', () => {
    const codes = new Set(sources.flatMap((f) => reasonLiterals(read(f)).map((l) => l.code)));
    for (const c of ['ROUND_NOT_FOUND', 'ROUND_NOT_COUNTING', 'INVALID_REQUEST', 'INTERNAL', 'WIRE_', 'ENVELOPE_'])
      expect(codes).toContain(c);
    expect(codes.size).toBeGreaterThan(60);
  });

  it('every listed code is used somewhere, so the list does not rot', () => {
    const all = sources.map(read).join('\n');
    const unused = Object.keys(REASON_MEANINGS).filter((c) => !all.includes(`'${c}'`) && !all.includes(`REASON.${c}`));
    expect(unused).toEqual([]);
  });
});

describe('reasonLiterals / unlistedReasons on synthetic sources', () => {
  const unlisted = (src: string) => unlistedReasons(reasonLiterals(src)).map((l) => [l.line, l.code]);

  it.each([
    ["throw new SyndicateError('NOT_FOUND', 'NO_SUCH_THING', 'x');", 'NO_SUCH_THING'],
    ["throw new SyndicateError(\n  'NOT_FOUND',\n  'NO_SUCH_THING',\n  `m`,\n);", 'NO_SUCH_THING'],
    ["new SyndicateError('FAILED_PRECONDITION', c ? 'ROUND_NOT_COUNTING' : 'ROUND_NOT_READY', m)", 'ROUND_NOT_READY'],
    ["if (err.reason === 'DUPLICATE_UPDATES') return;", 'DUPLICATE_UPDATES'],
    ["if ('DUPLICATE_UPDATES' !== reason) return;", 'DUPLICATE_UPDATES'],
    ["if (['DUPLICATE_UPDATE', 'DUPLICATE_TYPO'].includes(reason)) skip();", 'DUPLICATE_TYPO'],
    ["const FATAL_REASONS = new Set([\n  'PARTICIPANT_REVOKED',\n  'PARTICIPANT_GONE',\n]);", 'PARTICIPANT_GONE'],
    ["metadata.set('syndicate-reason', 'OOPS');", 'OOPS'],
    ["body = { detail, reason: 'OOPS' };", 'OOPS'],
    ["private readonly reason: ReasonCode = 'INVALID_BODY',", 'INVALID_BODY'],
    ["new ZodBodyPipe(schema, 'INVALID_THING', 'title')", 'INVALID_THING'],
    ["throw new SyndicateError('INVALID_ARGUMENT', `CODEC_${err.code}`, m);", 'CODEC_'],
  ])('names an unlisted code: %s', (src, code) => {
    expect(unlisted(src).map(([, c]) => c)).toEqual([code]);
  });

  it('names the line of the unlisted code', () => {
    expect(unlisted("const a = 1;\n\nif (reason === 'MADE_UP') x();")).toEqual([[3, 'MADE_UP']]);
  });

  it('passes listed codes, families and unrelated upper-case strings', () => {
    const src = [
      "throw new SyndicateError('NOT_FOUND', 'ROUND_NOT_FOUND', `round ${id}`);",
      "throw new SyndicateError('INVALID_ARGUMENT', `WIRE_${err.code}`, err.message);",
      "throw new SyndicateError('UNAUTHENTICATED', `ENVELOPE_${v.code}`, v.message);",
      "if (['DUPLICATE_UPDATE', 'EVALUATION_NOT_COLLECTING'].includes(reason)) skip();",
      "if (task.type === 'TASK_TYPE_TRAIN') train();",
      "const encoding = 'PAYLOAD_ENCODING_BFV_PACKED';",
    ].join('\n');
    expect(reasonLiterals(src).length).toBe(5);
    expect(unlisted(src)).toEqual([]);
  });
});
