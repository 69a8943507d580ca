import { isReasonCode, REASON_FAMILIES } from '@syndicate/protocol';

/** A reason code written as a literal in source, or the fixed prefix of one built with a template. */
export interface ReasonLiteral {
  code: string;
  /** True for `PREFIX_${...}`: `code` is the prefix. */
  template: boolean;
  line: number;
}

const CODE = `'([A-Z][A-Z0-9_]*)'`;
const TEMPLATE = '`([A-Z][A-Z0-9_]*_)\\$\\{';

/** Where reasons are written: each pattern's first group is a stretch of source holding reason literals only. */
const PLACES: RegExp[] = [
  // new SyndicateError('KIND', <reason>, ...): the whole second argument (a literal, template or ternary).
  /new SyndicateError\(\s*'[A-Z_]+'\s*,\s*([^,]+),/g,
  // reason === 'X', err.reason !== 'X', 'X' === reason
  new RegExp(`\\breason\\s*[!=]==?\\s*(${CODE})`, 'g'),
  new RegExp(`(${CODE})\\s*[!=]==?\\s*[\\w.]*\\breason\\b`, 'g'),
  // ['A', 'B'].includes(reason)
  /\[([^[\]]*)\]\s*\.includes\(\s*[\w.?]*\breason\b/g,
  // FATAL_REASONS = new Set(['A', ...]) and reason lists in general
  /\b\w*REASONS?\w*\b[^=\n]*=\s*(?:new Set(?:<[^>]*>)?\(\s*)?\[([^\]]*)\]/g,
  // metadata.set('syndicate-reason', 'X')
  new RegExp(`(?:'syndicate-reason'|REASON_METADATA_KEY)\\s*,\\s*(${CODE}|${TEMPLATE})`, 'g'),
  // { reason: 'X' }, reason: ReasonCode = 'X', reason = 'X'
  new RegExp(`\\breason\\s*(?::\\s*\\w+\\s*=|:|=(?!=))\\s*(${CODE}|${TEMPLATE})`, 'g'),
  // new ZodBodyPipe(schema, 'X', ...)
  /new ZodBodyPipe\([^,()]+,\s*([^,]+),/g,
];

const lineOf = (source: string, index: number) => source.slice(0, index).split('\n').length;

/** Every reason literal in one TypeScript source, in the places listed above. */
export function reasonLiterals(source: string): ReasonLiteral[] {
  const found = new Map<string, ReasonLiteral>();
  for (const place of PLACES) {
    for (const m of source.matchAll(place)) {
      const stretch = m[1];
      const line = lineOf(source, m.index + m[0].indexOf(stretch));
      for (const c of stretch.matchAll(new RegExp(CODE, 'g')))
        found.set(`${line}:${c[1]}`, { code: c[1], template: false, line });
      for (const t of stretch.matchAll(new RegExp(TEMPLATE, 'g')))
        found.set(`${line}:${t[1]}`, { code: t[1], template: true, line });
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line);
}

/** The literals that are not listed in `@syndicate/protocol` (a template must use a listed family prefix). */
export function unlistedReasons(literals: ReasonLiteral[]): ReasonLiteral[] {
  return literals.filter((l) =>
    l.template ? !Object.prototype.hasOwnProperty.call(REASON_FAMILIES, l.code) : !isReasonCode(l.code),
  );
}
