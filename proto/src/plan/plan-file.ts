import * as fs from 'fs';
import { LineCounter, parseDocument, stringify as stringifyYaml, type Document } from 'yaml';
import { formatPlanIssue, planIssues, PlanValidationError, type TrainingPlan } from './training-plan';

export type PlanTextFormat = 'json' | 'yaml';

/** By extension when there is one, else JSON when the text opens with `{`. */
export function planTextFormat(text: string, fileName?: string): PlanTextFormat {
  if (fileName && /\.json$/i.test(fileName)) return 'json';
  if (fileName && /\.ya?ml$/i.test(fileName)) return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

const where = (fileName: string | undefined, line: number, col: number) =>
  `${fileName ?? '(plan)'}: line ${line}, column ${col}`;

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, col: before.length - before.lastIndexOf('\n') };
}

interface Located {
  doc?: Document.Parsed;
  lines?: LineCounter;
}

function parseYamlText(text: string, fileName: string | undefined): { value: unknown } & Located {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new PlanValidationError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
        return pos
          ? `${where(fileName, pos.line, pos.col)}: not valid YAML: ${message}`
          : `${fileName ?? '(plan)'}: not valid YAML: ${message}`;
      }),
    );
  }
  return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, doc, lines };
}

/**
 * Offset of the first JSON syntax error (V8's messages do not always carry one),
 * by a strict recursive-descent scan; -1 when the text is valid JSON.
 */
function jsonErrorOffset(s: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i])) i++;
  };
  const literal = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null/y;
  const str = () => {
    i++;
    while (i < s.length) {
      const c = s[i];
      if (c === '"') return void i++;
      if (c < ' ') fail();
      if (c === '\\') {
        i++;
        if (s[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? 'x')) fail();
      }
      i++;
    }
    fail();
  };
  const value = (): void => {
    ws();
    const open = s[i];
    if (open === '"') return str();
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      ws();
      if (s[i] === close) return void i++;
      for (;;) {
        if (open === '{') {
          ws();
          if (s[i] !== '"') fail();
          str();
          ws();
          if (s[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === close) return void i++;
        else fail();
      }
    }
    literal.lastIndex = i;
    if (!literal.test(s)) fail();
    i = literal.lastIndex;
  };
  try {
    value();
    ws();
    if (i < s.length) fail();
    return -1;
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
}

function parseJsonText(text: string, fileName: string | undefined): { value: unknown } & Located {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    const offset = jsonErrorOffset(text);
    const pos = offset >= 0 ? lineCol(text, offset) : undefined;
    throw new PlanValidationError([
      pos
        ? `${where(fileName, pos.line, pos.col)}: not valid JSON: ${message}`
        : `${fileName ?? '(plan)'}: not valid JSON: ${message}`,
    ]);
  }
  // Only to locate schema problems; JSON is valid YAML flow syntax.
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return doc.errors.length ? { value } : { value, doc, lines };
}

/** ` (line N)` of the deepest node of `path` present in the document. */
function lineOf(located: Located, path: (string | number)[]): string {
  if (!located.doc || !located.lines) return '';
  for (let n = path.length; n >= 0; n--) {
    const node = located.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return ` (line ${located.lines.linePos(node.range[0]).line})`;
  }
  return '';
}

/**
 * Parses a training plan written as JSON or YAML. Syntax errors name the line
 * and column; schema problems are all listed at once as `path: message (line N)`.
 * Throws PlanValidationError.
 */
export function parsePlanText(text: string, fileName?: string): TrainingPlan {
  const parsed =
    planTextFormat(text, fileName) === 'json' ? parseJsonText(text, fileName) : parseYamlText(text, fileName);
  if (parsed.value === null || parsed.value === undefined)
    throw new PlanValidationError([`${fileName ?? '(plan)'}: the plan is empty`]);
  const { plan, issues } = planIssues(parsed.value);
  if (!plan) throw new PlanValidationError(issues.map((i) => formatPlanIssue(i) + lineOf(parsed, i.path)));
  return plan;
}

/** Reads and parses a plan file (.json, .yaml or .yml). */
export function readPlanFile(file: string): TrainingPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new PlanValidationError([
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    ]);
  }
  return parsePlanText(text, file);
}

/** A plan (or part of one, such as a proposed schema) as YAML or pretty JSON text. */
export function formatPlanText(value: unknown, format: PlanTextFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringifyYaml(value, { lineWidth: 0 });
}
