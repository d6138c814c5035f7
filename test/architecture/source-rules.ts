/**
 * The architecture boundary rules of DESIGN.md ("Folders", "Clock and Random"),
 * checked over TypeScript ASTs. Pure over a map of repo-relative path → source
 * text, so the tests can feed it small virtual trees as well as the real one.
 *
 * Rules:
 * - import-graph: which top-level folder may import which (MAY_IMPORT); nothing outside
 *   visualizer/ imports it, not even the entry points.
 * - public-face: an import into another top-level folder goes through its index.ts.
 * - determinism: no host clock, host randomness or host timers in sim/, twins/,
 *   orchestrator/, except the per-file, per-item exemptions of the system adapters.
 *
 * Decisions:
 * - Type-only imports (`import type`, `export type … from`, `import('…').T` in a type)
 *   count for import-graph and public-face: a shared type couples the folders as much
 *   as shared code does, and DESIGN.md wants shared types to live in the importer's
 *   own folder (the orchestrator declares the Clock it needs; sim's classes satisfy it
 *   structurally). They do not count for determinism: they are erased and cannot
 *   read a clock.
 * - The check is syntactic. It catches direct uses (`Date.now()`, `Date.now` passed as
 *   a value, `globalThis.setTimeout`, `{ setTimeout }`, `const { now } = Date`), not
 *   aliasing through variables (`const D = Date; D.now()`); a local binding that
 *   shadows a global timer name is reported too (rename it). The aim is to catch the
 *   honest mistake; review catches the deliberate one.
 * - A dynamic `import()`/`require()` with a computed specifier is reported in every
 *   folder that has import limits, since its target cannot be checked.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

export const SOURCE_FOLDERS = ['sim', 'twins', 'orchestrator', 'scenarios', 'cli', 'visualizer', 'bench'] as const;
export type SourceFolder = (typeof SOURCE_FOLDERS)[number];

/** Folders whose code must be replayable from a seed (DESIGN.md "Clock and Random"). */
export const DETERMINISTIC_FOLDERS: readonly SourceFolder[] = ['sim', 'twins', 'orchestrator'];

/** Besides itself, what each folder may import; 'anything' for the entry points. */
export const MAY_IMPORT: Readonly<Record<SourceFolder, readonly SourceFolder[] | 'anything'>> = {
  sim: [],
  twins: ['sim'],
  orchestrator: [],
  scenarios: ['sim', 'twins', 'orchestrator'],
  cli: 'anything',
  bench: 'anything',
  visualizer: [],
};

export type RuleId = 'import-graph' | 'public-face' | 'determinism';

export interface Violation {
  /** Repo-relative, POSIX separators. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly rule: RuleId;
  /** What is wrong, e.g. `imports twins/ (twins/index.ts)`. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** One readable line: `path:line:col: message — fix`. */
export function formatViolation(v: Violation): string {
  return `${v.path}:${v.line}:${v.column}: ${v.message} — ${v.fix}`;
}

// ---------------------------------------------------------------------------
// Determinism: what is banned, and who is exempt from which item.

interface Ban {
  readonly message: string;
  readonly fix: string;
}

const CLOCK_NOW = 'use the injected Clock: clock.now()';
const TIMER_FIX = (name: string): string =>
  name.startsWith('clear')
    ? `clear it with the Clock that set it: clock.${name === 'clearImmediate' ? 'clearTimeout' : name}(handle)`
    : `use the injected Clock: clock.${name === 'setImmediate' ? 'setTimeout(callback, 0)' : `${name}(…)`}`;

const TIMER_NAMES = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'] as const;
type TimerName = (typeof TIMER_NAMES)[number];

/** Every item the determinism rule bans; an exemption names items, not whole rules. */
export type BanKey =
  | 'Date.now'
  | 'new Date()'
  | 'Date()'
  | 'performance.now'
  | 'process.hrtime'
  | 'Math.random'
  | 'node:timers'
  | 'node:perf_hooks'
  | TimerName;

const BANS: Readonly<Record<BanKey, Ban>> = {
  'Date.now': { message: 'reads the host clock (Date.now)', fix: CLOCK_NOW },
  'new Date()': { message: 'reads the host clock (new Date() with no argument)', fix: 'use new Date(clock.now())' },
  'Date()': { message: 'reads the host clock (Date() called as a function)', fix: 'use new Date(clock.now()).toString()' },
  'performance.now': { message: 'reads the host clock (performance.now)', fix: CLOCK_NOW },
  'process.hrtime': { message: 'reads the host clock (process.hrtime)', fix: CLOCK_NOW },
  'Math.random': { message: 'draws host randomness (Math.random)', fix: "use the injected Random, forked per component: random.fork('name').float()" },
  'node:timers': { message: 'imports the host timers module', fix: 'use the injected Clock (clock.setTimeout, clock.sleep)' },
  'node:perf_hooks': { message: 'imports the host performance clock (perf_hooks)', fix: CLOCK_NOW },
  ...(Object.fromEntries(TIMER_NAMES.map((name) => [name, { message: `uses the host timer ${name}`, fix: TIMER_FIX(name) }])) as Record<TimerName, Ban>),
};

/** Host time members: `<global>.<member>` → ban key. */
const HOST_MEMBERS: ReadonlyMap<string, ReadonlyMap<string, BanKey>> = new Map([
  ['Date', new Map<string, BanKey>([['now', 'Date.now']])],
  ['Math', new Map<string, BanKey>([['random', 'Math.random']])],
  ['performance', new Map<string, BanKey>([['now', 'performance.now']])],
  ['process', new Map<string, BanKey>([['hrtime', 'process.hrtime']])],
]);

const BANNED_MODULES: ReadonlyMap<string, BanKey> = new Map<string, BanKey>([
  ['timers', 'node:timers'],
  ['node:timers', 'node:timers'],
  ['timers/promises', 'node:timers'],
  ['node:timers/promises', 'node:timers'],
  ['perf_hooks', 'node:perf_hooks'],
  ['node:perf_hooks', 'node:perf_hooks'],
]);

/**
 * The system adapters are where host time and randomness enter, so they are exempt
 * — each only from the items it needs, so anything else in them is still caught.
 */
export const DETERMINISM_EXEMPTIONS: ReadonlyMap<string, ReadonlySet<BanKey>> = new Map<string, ReadonlySet<BanKey>>([
  [
    'sim/clock/system-clock.ts',
    new Set<BanKey>(['Date.now', 'new Date()', 'performance.now', 'process.hrtime', 'node:timers', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']),
  ],
  ['sim/random/crypto-random.ts', new Set<BanKey>(['Math.random'])],
  // Drives the virtual clock from the host's immediate queue; nothing else.
  ['sim/clock/virtual-clock.ts', new Set<BanKey>(['setImmediate'])],
]);

/** Names under which code reaches the global object. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

// ---------------------------------------------------------------------------
// Entry point.

/** Checks every .ts file of the source folders in `files` (other paths are ignored). */
export function checkSources(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [rawPath, text] of files) {
    const filePath = toPosix(rawPath);
    const folder = sourceFolderOf(filePath);
    if (folder === undefined || !isTypeScriptFile(filePath)) continue;
    const sourceFile = ts.createSourceFile(filePath, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const report = (node: ts.Node | number, rule: RuleId, message: string, fix: string): void => {
      const pos = typeof node === 'number' ? node : node.getStart(sourceFile);
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(pos);
      violations.push({ path: filePath, line: line + 1, column: character + 1, rule, message, fix });
    };
    const imports = collectImports(sourceFile);
    checkImports(filePath, folder, imports, report);
    if (DETERMINISTIC_FOLDERS.includes(folder)) checkDeterminism(filePath, sourceFile, imports, report);
  }
  return violations.sort(
    (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/** Reads every .ts file under the source folders of `rootDir`; missing folders are fine. */
export async function readSourceTree(rootDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (relDir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(rootDir, relDir), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const rel = `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(rel);
      } else if (entry.isFile() && isTypeScriptFile(rel)) {
        files.set(rel, await readFile(path.join(rootDir, rel), 'utf8'));
      }
    }
  };
  for (const folder of SOURCE_FOLDERS) await walk(folder);
  return files;
}

// ---------------------------------------------------------------------------
// Imports.

interface ImportRef {
  /** The string literal, or undefined for a computed specifier. */
  readonly specifier: string | undefined;
  /** Where to point: the specifier, or the call for a computed one. */
  readonly node: ts.Node | number;
  readonly kind: 'static' | 're-export' | 'dynamic' | 'require' | 'import-type' | 'reference';
  /** Erased at run time. */
  readonly typeOnly: boolean;
}

type Report = (node: ts.Node | number, rule: RuleId, message: string, fix: string) => void;

function collectImports(sourceFile: ts.SourceFile): ImportRef[] {
  const refs: ImportRef[] = [];
  const literal = (node: ts.Node | undefined): string | undefined =>
    node !== undefined && ts.isStringLiteralLike(node) ? node.text : undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      refs.push({ specifier: literal(node.moduleSpecifier), node: node.moduleSpecifier, kind: 'static', typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      refs.push({ specifier: literal(node.moduleSpecifier), node: node.moduleSpecifier, kind: 're-export', typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      refs.push({ specifier: literal(expr), node: expr, kind: 'require', typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const spec = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : undefined;
      refs.push({ specifier: spec, node: arg, kind: 'import-type', typeOnly: true });
    } else if (ts.isCallExpression(node)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      // `require` from createRequire, by its conventional name.
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) {
        const arg = node.arguments[0];
        const spec = literal(arg);
        refs.push({ specifier: spec, node: spec === undefined ? node : arg!, kind: isDynamicImport ? 'dynamic' : 'require', typeOnly: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  for (const ref of sourceFile.referencedFiles) {
    // `/// <reference path>` pulls a file in as surely as an import does.
    refs.push({ specifier: ref.fileName, node: ref.pos, kind: 'reference', typeOnly: true });
  }
  return refs;
}

function checkImports(filePath: string, folder: SourceFolder, imports: readonly ImportRef[], report: Report): void {
  const allowed = MAY_IMPORT[folder];
  for (const ref of imports) {
    if (ref.specifier === undefined) {
      if (allowed !== 'anything') {
        report(ref.node, 'import-graph', `${ref.kind === 'require' ? 'require()' : 'import()'} with a computed specifier`, 'use a string literal so the import graph can be checked');
      }
      continue;
    }
    const target = resolveOurs(filePath, ref.specifier, ref.kind);
    if (target === undefined) continue; // a package or a Node builtin
    const to = targetFolderOf(target);
    if (to === folder) continue; // within one top-level folder imports are free
    // The browser app is reached over HTTP only, even by the entry points that may import anything else.
    const isAllowed = to !== 'visualizer' && (allowed === 'anything' || (isSourceFolder(to) && allowed.includes(to)));
    if (!isAllowed) {
      report(ref.node, 'import-graph', `imports ${describeFolder(to)} (${target})`, graphFix(folder, to));
      continue; // the fix is to drop the import, so its path does not matter
    }
    if (isSourceFolder(to) && target !== `${to}/index.ts`) {
      const indexSpecifier = relativeSpecifier(filePath, `${to}/index.js`);
      report(
        ref.node,
        'public-face',
        target === to ? `imports ${to}/ as a directory, not ${to}/index.ts` : `imports ${target} past ${to}/index.ts`,
        `import from '${indexSpecifier}' (the public face of ${to}/) and export what you need there`,
      );
    }
  }
}

/**
 * Repo-relative .ts path an import lands on, or undefined when it is not ours
 * (a bare specifier: package or builtin). `.js` specifiers name `.ts` sources.
 */
function resolveOurs(fromPath: string, specifier: string, kind: ImportRef['kind']): string | undefined {
  const isPath = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
  // A triple-slash reference path is relative even without a leading './'.
  if (!isPath && kind !== 'reference') return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromPath), specifier));
  for (const [jsExt, tsExt] of SOURCE_EXTENSIONS) if (joined.endsWith(jsExt)) return joined.slice(0, -jsExt.length) + tsExt;
  return joined;
}

const OUTSIDE = '(outside)';
const ROOT = '(root)';

function targetFolderOf(target: string): string {
  if (target === '..' || target.startsWith('../')) return OUTSIDE;
  const slash = target.indexOf('/');
  if (slash !== -1) return target.slice(0, slash);
  return isSourceFolder(target) ? target : ROOT; // '../twins' names the folder itself
}

function describeFolder(folder: string): string {
  if (folder === OUTSIDE) return 'a file outside the repository';
  if (folder === ROOT) return 'a file at the repository root';
  return `${folder}/`;
}

function graphFix(from: SourceFolder, to: string): string {
  if (to === 'visualizer') return 'the visualizer is browser code, served as files and reached over HTTP and WebSocket; copy the wire type to where it is needed';
  if (to === 'cli') return 'only cli/ and bench/ import cli/, the entry point that wires everything; move the shared code into the folder that owns it';
  switch (from) {
    case 'orchestrator':
      if (to === 'twins') return 'the orchestrator reaches the twin only over the network; move the shared type into orchestrator/';
      if (to === 'sim') return "the orchestrator gets Clock and Random injected, never imported; declare the interface it needs in orchestrator/ (sim's classes satisfy it structurally)";
      if (to === 'scenarios') return 'scenarios wire the orchestrator to a twin, never the reverse; move the shared code into orchestrator/';
      return 'the orchestrator imports nothing of ours outside orchestrator/; move the code into orchestrator/';
    case 'twins':
      if (to === 'orchestrator') return 'the twin learns what the orchestrator knows only over the wire, as a real datacenter would; copy the wire type into twins/';
      if (to === 'scenarios') return 'scenarios wire the twin, never the reverse; move the shared code into twins/ or sim/';
      return 'twins/ imports only sim/; move the code into twins/ or sim/';
    case 'sim':
      return 'sim/ is the kernel and imports nothing of ours; move the code into sim/ or have the caller pass it in';
    case 'visualizer':
      return 'the visualizer is a browser app that talks to the server only over HTTP and WebSocket; copy the wire type into visualizer/';
    case 'scenarios':
      return 'scenarios/ imports only sim/, twins/ and orchestrator/; move the code into one of them';
    case 'cli':
    case 'bench':
      return 'cli/ and bench/ may import anything'; // unreachable: MAY_IMPORT is 'anything'
  }
}

function relativeSpecifier(fromPath: string, toPath: string): string {
  const rel = path.posix.relative(path.posix.dirname(fromPath), toPath);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

// ---------------------------------------------------------------------------
// Determinism.

function checkDeterminism(filePath: string, sourceFile: ts.SourceFile, imports: readonly ImportRef[], report: Report): void {
  const exempt = DETERMINISM_EXEMPTIONS.get(filePath) ?? new Set<BanKey>();
  const ban = (node: ts.Node | number, key: BanKey): void => {
    if (exempt.has(key)) return;
    const { message, fix } = BANS[key];
    report(node, 'determinism', message, fix);
  };

  for (const ref of imports) {
    const key = ref.specifier === undefined || ref.typeOnly ? undefined : BANNED_MODULES.get(ref.specifier);
    if (key !== undefined) ban(ref.node, key);
  }

  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const member = memberName(node);
      const owner = globalName(node.expression);
      const key = member === undefined || owner === undefined ? undefined : HOST_MEMBERS.get(owner)?.get(member);
      if (key !== undefined) ban(node, key);
      // globalThis.setTimeout, globalThis['setImmediate']
      if (ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text) && isTimerName(member)) ban(node, member);
    } else if (ts.isNewExpression(node)) {
      if (globalName(node.expression) === 'Date' && (node.arguments === undefined || node.arguments.length === 0)) ban(node, 'new Date()');
    } else if (ts.isCallExpression(node)) {
      if (globalName(node.expression) === 'Date') ban(node, 'Date()');
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer !== undefined) {
      checkDestructuring(node.name, node.initializer, ban);
    } else if (ts.isIdentifier(node) && isTimerName(node.text) && isValueReference(node)) {
      ban(node, node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
}

/** `const { now } = Date`, `const { setTimeout } = globalThis`. */
function checkDestructuring(pattern: ts.ObjectBindingPattern, source: ts.Expression, ban: (node: ts.Node, key: BanKey) => void): void {
  const owner = globalName(source);
  const fromGlobalObject = ts.isIdentifier(source) && GLOBAL_OBJECTS.has(source.text);
  for (const element of pattern.elements) {
    const nameNode = element.propertyName ?? element.name;
    const member = ts.isIdentifier(nameNode) || ts.isStringLiteralLike(nameNode) ? nameNode.text : undefined;
    if (member === undefined) continue;
    const key = owner === undefined ? undefined : HOST_MEMBERS.get(owner)?.get(member);
    if (key !== undefined) ban(element, key);
    if (fromGlobalObject && isTimerName(member)) ban(element, member);
  }
}

function isTimerName(name: string | undefined): name is TimerName {
  return name !== undefined && (TIMER_NAMES as readonly string[]).includes(name);
}

function memberName(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
}

/** `Date` → 'Date'; `globalThis.Date` → 'Date'; `x.Date` → undefined. */
function globalName(expr: ts.Expression): string | undefined {
  if (ts.isParenthesizedExpression(expr)) return globalName(expr.expression);
  if (ts.isIdentifier(expr)) return expr.text;
  if ((ts.isPropertyAccessExpression(expr) || ts.isElementAccessExpression(expr)) && ts.isIdentifier(expr.expression) && GLOBAL_OBJECTS.has(expr.expression.text)) {
    return memberName(expr);
  }
  return undefined;
}

/**
 * Whether an identifier reads a value by that name (so a bare `setTimeout` is the
 * global), as opposed to naming a member, a declaration, or a type.
 */
function isValueReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (isInType(id)) return false; // ReturnType<typeof setTimeout>
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === id; // clock.setTimeout
  if (ts.isShorthandPropertyAssignment(parent)) return true; // { setTimeout } reads the global
  if (ts.isQualifiedName(parent)) return false;
  if (ts.isBindingElement(parent)) return false; // declares a local; see checkDestructuring
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  // Method, property, parameter, variable, function … named setTimeout: a declaration.
  if ('name' in parent && parent.name === id) return false;
  return true;
}

function isInType(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n !== undefined; n = n.parent) if (ts.isTypeNode(n)) return true;
  return false;
}

// ---------------------------------------------------------------------------
// Paths.

/** NodeNext specifiers name the emitted file; the source has the TypeScript extension. */
const SOURCE_EXTENSIONS: ReadonlyArray<readonly [string, string]> = [
  ['.js', '.ts'],
  ['.mjs', '.mts'],
  ['.cjs', '.cts'],
];

function toPosix(p: string): string {
  const posix = p.split('\\').join('/');
  return posix.startsWith('./') ? posix.slice(2) : posix;
}

function sourceFolderOf(filePath: string): SourceFolder | undefined {
  const first = filePath.slice(0, Math.max(0, filePath.indexOf('/')));
  return isSourceFolder(first) ? first : undefined;
}

function isSourceFolder(name: string): name is SourceFolder {
  return (SOURCE_FOLDERS as readonly string[]).includes(name);
}

function isTypeScriptFile(filePath: string): boolean {
  return filePath.endsWith('.ts') || filePath.endsWith('.mts') || filePath.endsWith('.cts');
}
