import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Size limits the code review asks for, checked instead of remembered: no source file above
 * MAX_FILE_LINES, no injectable service with more than MAX_CONSTRUCTOR_DEPENDENCIES.
 * The compiler's parser, not a regex: decorators and multi-line parameter lists are read as they are.
 */
export const MAX_FILE_LINES = 350;
export const MAX_CONSTRUCTOR_DEPENDENCIES = 7;

export interface SourceText {
  /** Path shown in a failure, e.g. 'coordinator/src/rounds/rounds.module.ts'. */
  file: string;
  source: string;
}

/** Source files a limit applies to: specs, generated code and migrations are exempt. */
export function limitedSources(root: string, dirs: string[]): SourceText[] {
  return dirs.flatMap((dir) =>
    (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
      .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.d.ts'))
      .filter((f) => !/\/(generated|migrations)\//.test(f))
      .map((file) => ({ file, source: fs.readFileSync(path.join(root, file), 'utf8') })),
  );
}

/** Lines of a source, counted like an editor does (a final newline does not start a line). */
export const lineCount = (source: string) => source.replace(/\n$/, '').split('\n').length;

/** `file: N lines` for every source above the limit. */
export function oversizedFiles(sources: SourceText[], max = MAX_FILE_LINES): string[] {
  return sources.filter((s) => lineCount(s.source) > max).map((s) => `${s.file}: ${lineCount(s.source)} lines`);
}

const isInjectable = (node: ts.ClassDeclaration) =>
  (ts.getDecorators(node) ?? []).some((d) => {
    const e = d.expression;
    return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Injectable';
  });

/** Each `@Injectable()` class with the number of parameters its constructor takes (0 without one). */
export function injectableDependencies(source: SourceText): { name: string; dependencies: number }[] {
  const sf = ts.createSourceFile(source.file, source.source, ts.ScriptTarget.Latest, true);
  const found: { name: string; dependencies: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node) && isInjectable(node)) {
      const ctor = node.members.find(ts.isConstructorDeclaration);
      found.push({ name: node.name?.text ?? '(anonymous)', dependencies: ctor?.parameters.length ?? 0 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** `file: Class has N constructor dependencies` for every injectable above the limit. */
export function overDependentServices(sources: SourceText[], max = MAX_CONSTRUCTOR_DEPENDENCIES): string[] {
  return sources.flatMap((s) =>
    injectableDependencies(s)
      .filter((c) => c.dependencies > max)
      .map((c) => `${s.file}: ${c.name} has ${c.dependencies} constructor dependencies`),
  );
}
