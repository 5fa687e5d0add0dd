/**
 * The determinism lint: every core module (packages/ditto/src/**) is parsed with the TypeScript
 * compiler API and its syntax tree searched for what the contract bans from library code —
 * engine transcendental math (`Math.exp`, `log`, `pow`, `sin`, `tanh`, … and the `**` operator,
 * whose last bits differ between engines), randomness (`Math.random`, `crypto.getRandomValues`,
 * `crypto.randomUUID`) and clock reads (`Date.now`, `new Date()`, `performance.now`). Names in
 * strings and comments are not code and are not flagged; aliases (`const { exp } = Math`,
 * `Math['exp']`, `Math` passed around as a value) are. A line that must read one of these — the
 * seed's entropy draw, the guard that watches the sources, timing that is reported and never
 * affects results — says so with a `// determinism-ok: why` comment on the same line.
 *
 * The generated worker-source.ts holds worker-core.ts as a string; worker-core.ts itself is linted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/run-tsx.js';

/** `Math` functions whose results engines may round differently (ECMAScript: "implementation-approximated"). */
const ENGINE_MATH = new Set([
  'exp',
  'expm1',
  'log',
  'log1p',
  'log2',
  'log10',
  'pow',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
  'cbrt',
  'hypot',
]);
/** The `Math` members that are exact by the language's definition, so any engine gives the same bits. */
const EXACT_MATH = new Set([
  'abs',
  'ceil',
  'clz32',
  'floor',
  'fround',
  'imul',
  'max',
  'min',
  'round',
  'sign',
  'sqrt',
  'trunc',
  'E',
  'LN2',
  'LN10',
  'LOG2E',
  'LOG10E',
  'PI',
  'SQRT1_2',
  'SQRT2',
]);
/**
 * Constants the numeric core writes out as literals instead (its docs give every constant's bits):
 * banned there only, since they are exact values and the same in every engine.
 */
const MATH_CONSTANTS = new Set(['E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'PI', 'SQRT1_2', 'SQRT2']);
const LITERAL_CONSTANT_FILES = new Set([
  'packages/ditto/src/numeric/elementary.ts',
  'packages/ditto/src/numeric/bits.ts',
]);
const MARK = 'determinism-ok';

interface Finding {
  /** Repository-relative path, line and column (1-based): `path:line:column`. */
  where: string;
  /** What was found, e.g. 'Math.exp (engine math)'. */
  what: string;
}

/** The `.ts` files under `dir`, recursively, sorted. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file))
    .sort();
}

/** The 0-based lines that carry a `determinism-ok` comment (a real comment, not a string). */
function markedLines(source: ts.SourceFile): Set<number> {
  const lines = new Set<number>();
  const seen = new Set<number>();
  // Comments are trivia around tokens: the leading and trailing comments of every token of the
  // tree (getChildren includes punctuation such as `,` and `}`, which forEachChild skips).
  const visit = (node: ts.Node) => {
    const ranges = [
      ...(ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? []),
      ...(ts.getTrailingCommentRanges(source.text, node.getEnd()) ?? []),
    ];
    for (const range of ranges) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      if (!source.text.slice(range.pos, range.end).includes(MARK)) continue;
      const first = source.getLineAndCharacterOfPosition(range.pos).line;
      const last = source.getLineAndCharacterOfPosition(range.end).line;
      for (let line = first; line <= last; line++) lines.add(line);
    }
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return lines;
}

/** `Math`, `globalThis.Math`, `self.Math`, `window.Math`. */
function isMathObject(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'Math';
  return ts.isPropertyAccessExpression(node) && node.name.text === 'Math' && isGlobalObject(node.expression);
}

function isGlobalObject(node: ts.Expression): boolean {
  return ts.isIdentifier(node) && ['globalThis', 'self', 'window', 'global'].includes(node.text);
}

/** The final name of `performance`, `globalThis.performance`, `x.performance`, `Date`. */
function endsWithName(node: ts.Expression, name: string): boolean {
  if (ts.isIdentifier(node)) return node.text === name;
  return ts.isPropertyAccessExpression(node) && node.name.text === name;
}

/** The member name of `a.b`, `a?.b` or `a['b']`, if it is a literal. */
function memberName(node: ts.Node): { object: ts.Expression; name: string; at: ts.Node } | undefined {
  if (ts.isPropertyAccessExpression(node))
    return { object: node.expression, name: node.name.text, at: node.name };
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    return { object: node.expression, name: node.argumentExpression.text, at: node.argumentExpression };
  }
  return undefined;
}

function mathFinding(name: string, file: string): string | undefined {
  if (name === 'random') return 'Math.random (randomness)';
  if (ENGINE_MATH.has(name)) return `Math.${name} (engine math)`;
  if (MATH_CONSTANTS.has(name) && LITERAL_CONSTANT_FILES.has(file)) return `Math.${name} (write the literal)`;
  return undefined;
}

/** Every banned construct in one source text, unless its line is marked `determinism-ok`. */
function lintSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const marked = markedLines(source);
  const findings: Finding[] = [];
  const report = (at: ts.Node, what: string) => {
    const { line, character } = source.getLineAndCharacterOfPosition(at.getStart(source));
    if (!marked.has(line)) findings.push({ where: `${file}:${line + 1}:${character + 1}`, what });
  };
  const visit = (node: ts.Node) => {
    const member = memberName(node);
    if (member) {
      if (isMathObject(member.object)) {
        const what = mathFinding(member.name, file);
        if (what) report(member.at, what);
      } else if (member.name === 'getRandomValues' || member.name === 'randomUUID') {
        report(member.at, `crypto.${member.name} (randomness)`);
      } else if (member.name === 'now' && endsWithName(member.object, 'performance')) {
        report(member.at, 'performance.now (clock)');
      } else if (member.name === 'now' && endsWithName(member.object, 'Date')) {
        report(member.at, 'Date.now (clock)');
      } else if (member.name === 'hrtime') {
        report(member.at, 'process.hrtime (clock)');
      }
    }
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.AsteriskAsteriskToken || op === ts.SyntaxKind.AsteriskAsteriskEqualsToken) {
        if (!isExactPower(node) || LITERAL_CONSTANT_FILES.has(file))
          report(node.operatorToken, '** (engine math: Math.pow)');
      }
    }
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && endsWithName(node.expression, 'Date')) {
      // new Date() and Date() read the clock; new Date(value) only converts.
      if ((node.arguments?.length ?? 0) === 0)
        report(node, `${ts.isNewExpression(node) ? 'new ' : ''}Date() (clock)`);
    }
    // Math taken apart or passed around: `const { exp } = Math`, `f(Math)`, `Math[name]`.
    const math = mathAsValue(node);
    if (math) {
      const parent = math.parent;
      const destructured = destructuredNames(math);
      if (ts.isElementAccessExpression(parent) && parent.expression === math) {
        if (!ts.isStringLiteralLike(parent.argumentExpression)) report(math, 'Math[…] (a computed member)');
      } else if (ts.isPropertyAccessExpression(parent) && parent.expression === math) {
        // A plain member access: judged above.
      } else if (destructured) {
        for (const name of destructured.filter((n) => !EXACT_MATH.has(n))) {
          report(math, `Math.${name} (engine math, destructured)`);
        }
      } else {
        report(math, 'Math used as a value (its engine functions could be called through it)');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

/** An integer literal, possibly negated: `31`, `-53`, `64n`. */
function integerLiteral(node: ts.Expression): bigint | undefined {
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const value = integerLiteral(node.operand);
    return value === undefined ? undefined : -value;
  }
  if (ts.isParenthesizedExpression(node)) return integerLiteral(node.expression);
  if (ts.isBigIntLiteral(node)) return BigInt(node.text.slice(0, -1));
  if (ts.isNumericLiteral(node) && /^\d+$/.test(node.text)) return BigInt(node.text);
  return undefined;
}

/**
 * `**` that every engine computes exactly: BigInt literals (integer arithmetic), and 2 to an
 * integer literal power within float64's normal range (a power of two is representable, so there
 * is nothing to round: `2 ** -53`, `2 ** 31`, the constants the core writes that way). Not in the
 * numeric core's own files, which write every constant as a literal.
 */
function isExactPower(node: ts.BinaryExpression): boolean {
  if (node.operatorToken.kind !== ts.SyntaxKind.AsteriskAsteriskToken) return false;
  if (ts.isBigIntLiteral(node.left) && ts.isBigIntLiteral(node.right)) return true;
  const base = ts.isNumericLiteral(node.left) ? node.left.text : undefined;
  const exponent = integerLiteral(node.right);
  return base === '2' && exponent !== undefined && exponent >= -1022n && exponent <= 1023n;
}

/** `Math` or `globalThis.Math` as an expression (not a property name, a key or a type). */
function mathAsValue(node: ts.Node): ts.Expression | undefined {
  if (ts.isPropertyAccessExpression(node)) return isMathObject(node) ? node : undefined;
  if (!ts.isIdentifier(node) || node.text !== 'Math') return undefined;
  const parent = node.parent;
  const isName =
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    ((ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isBindingElement(parent)) &&
      parent.name === node) ||
    (ts.isBindingElement(parent) && parent.propertyName === node) ||
    ts.isTypeQueryNode(parent) ||
    ts.isTypeReferenceNode(parent) ||
    ts.isQualifiedName(parent);
  return isName ? undefined : node;
}

/** The names taken by `const { a, b } = Math`, or undefined when `Math` is not destructured. */
function destructuredNames(math: ts.Expression): string[] | undefined {
  const parent = math.parent;
  if (!ts.isVariableDeclaration(parent) || parent.initializer !== math) return undefined;
  if (!ts.isObjectBindingPattern(parent.name)) return undefined;
  return parent.name.elements.map((element) => {
    const key = element.propertyName ?? element.name;
    return ts.isIdentifier(key) || ts.isStringLiteralLike(key) ? key.text : '(computed)';
  });
}

/** Lints files, naming each by its path relative to the repository. */
function lintFiles(files: readonly string[]): Finding[] {
  return files.flatMap((file) => lintSource(relative(repoRoot, file), readFileSync(file, 'utf8')));
}

const format = (findings: readonly Finding[]) => findings.map((f) => `${f.where} ${f.what}`);

describe('determinism lint over the syntax tree of every core module', () => {
  const core = sourcesUnder(join(repoRoot, 'packages/ditto/src'));

  it('finds no engine math, randomness or clock read in packages/ditto/src/** outside determinism-ok lines', () => {
    expect(core.length).toBeGreaterThan(100);
    expect(core).toContain(join(repoRoot, 'packages/ditto/src/numeric/elementary.ts'));
    expect(format(lintFiles(core))).toEqual([]);
  });

  it('catches every kind of violation in a fixture, with file:line:column, and honours determinism-ok', () => {
    const fixture = join(repoRoot, 'test/fixtures/lint/violations.ts');
    const file = 'test/fixtures/lint/violations.ts';
    const expected = readFileSync(fixture, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const match = /\/\/ expect: (.+)$/.exec(line);
        return match ? match[1].split(' | ').map((what) => `${file}:${i + 1} ${what}`) : [];
      });
    expect(expected.length).toBeGreaterThan(15);
    const found = lintFiles([fixture]).map((f) => `${f.where.replace(/:\d+$/, '')} ${f.what}`);
    expect(found).toEqual(expected);
  });

  it('names the column of the offending member', () => {
    expect(format(lintSource('x.ts', 'const a = 1;\nconst y = 2 + Math.tanh(a);\n'))).toEqual([
      'x.ts:2:20 Math.tanh (engine math)',
    ]);
  });

  it('bans Math constants only where the numeric core writes literals', () => {
    const text = 'export const tau = 2 * Math.PI;\n';
    expect(format(lintSource('packages/ditto/src/numeric/bits.ts', text))).toEqual([
      'packages/ditto/src/numeric/bits.ts:1:29 Math.PI (write the literal)',
    ]);
    expect(lintSource('packages/ditto/src/layers/x.ts', text)).toEqual([]);
    expect(format(lintSource('packages/ditto/src/numeric/elementary.ts', 'const u = 2 ** -23;\n'))).toEqual([
      'packages/ditto/src/numeric/elementary.ts:1:13 ** (engine math: Math.pow)',
    ]);
  });
});
