/**
 * One flag parser for every `tapegrad` subcommand: each command declares its positionals and flags
 * (kind, range, help) once, and gets `--help`/`-h`, validation of every value before anything runs,
 * and one-line usage errors (exit 2) for free.
 */

/** What a flag's value must be. */
export type FlagKind = 'boolean' | 'string' | 'integer' | 'number' | 'choice' | 'list';

/** One declared flag. */
export interface FlagSpec {
  /** The long name, without dashes: `epochs` for `--epochs`. */
  readonly name: string;
  readonly kind: FlagKind;
  /** One line for `--help`. */
  readonly help: string;
  /** The value's placeholder in `--help` (default: `N`, `X`, `A|B` or `VALUE` by kind). */
  readonly value?: string;
  /** A one-letter alias: `o` for `-o`. */
  readonly short?: string;
  /** Allowed values of a `choice` flag. */
  readonly choices?: readonly string[];
  /** Numbers (and list items) must be ≥ `min` (> `min` when `exclusiveMin`), and ≤ `max`. */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  /** Words accepted besides a number (`--batch full`). */
  readonly words?: readonly string[];
  /** Extra validation: returns what is wrong with the value, or null. */
  readonly check?: (value: string) => string | null;
}

/** One declared positional argument. */
export interface PositionalSpec {
  readonly name: string;
  /** The values allowed; without it any value is (a file name). */
  readonly choices?: readonly string[];
  readonly help?: string;
}

/** A subcommand's whole command line. */
export interface CommandSpec {
  /** As typed after `tapegrad`: `train mnist`. */
  readonly name: string;
  readonly summary: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly flags: readonly FlagSpec[];
  /** Lines printed after the flags in `--help`. */
  readonly notes?: readonly string[];
}

/** A parsed flag value: booleans are `true`, numbers parsed, lists split; words stay strings. */
export type FlagValue = true | string | number | number[];

/** The parsed command line. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, FlagValue>;
}

/** Bad usage: printed as one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--help` and `-h` are accepted by every command. */
const HELP: FlagSpec = { name: 'help', short: 'h', kind: 'boolean', help: 'print this help and exit' };

function bound(spec: FlagSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.exclusiveMin ? '>' : '≥'} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`≤ ${spec.max}`);
  return parts.join(' and ');
}

function describe(spec: FlagSpec): string {
  const range = bound(spec);
  const what = spec.kind === 'integer' ? 'an integer' : spec.kind === 'number' ? 'a number' : 'integers separated by commas';
  const words = spec.words !== undefined ? ` or ${spec.words.map((w) => `'${w}'`).join(', ')}` : '';
  return `${what}${range === '' ? '' : ` ${range}`}${words}`;
}

function inRange(spec: FlagSpec, n: number): boolean {
  if (spec.min !== undefined && (spec.exclusiveMin ? !(n > spec.min) : !(n >= spec.min))) return false;
  return spec.max === undefined || n <= spec.max;
}

/** Parses and validates one value of a flag that takes one. */
function parseValue(spec: FlagSpec, raw: string): FlagValue {
  const bad = (what: string): never => { throw new UsageError(`--${spec.name} must be ${what}, got '${raw}'`); };
  if (spec.words?.includes(raw)) return raw;
  switch (spec.kind) {
    case 'integer':
    case 'number': {
      const n = Number(raw);
      const isNumber = raw.trim() !== '' && Number.isFinite(n) && (spec.kind === 'number' || Number.isInteger(n));
      if (!isNumber || !inRange(spec, n)) bad(describe(spec));
      return n;
    }
    case 'list': {
      const items = raw.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
      if (items.some((n) => !Number.isInteger(n) || !inRange(spec, n))) bad(describe(spec));
      return items;
    }
    case 'choice':
      if (!spec.choices!.includes(raw)) bad(`one of ${spec.choices!.join(', ')}`);
      break;
    default:
      if (raw === '') bad('a non-empty value');
  }
  const problem = spec.check?.(raw) ?? null;
  if (problem !== null) throw new UsageError(`--${spec.name} ${problem}, got '${raw}'`);
  return raw;
}

/**
 * Parses `argv` against a command's spec: `--name value`, `--name=value`, `-x value`, boolean
 * `--name`, and the positionals in order. Every value is validated here, before the command runs.
 *
 * @throws UsageError naming the flag (or argument) and the offending value.
 * @example
 * ```ts
 * const spec = { name: 'demo', summary: 'a demo', flags: [{ name: 'lr', kind: 'number', min: 0, exclusiveMin: true, help: 'step size' }] } as const;
 * parseArgs(spec, ['--lr', '0.1']).flags.get('lr'); // 0.1
 * parseArgs(spec, ['--lr', '0']); // throws UsageError: --lr must be a number > 0, got '0'
 * ```
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const all = [...spec.flags, HELP];
  const byName = new Map(all.map((f) => [f.name, f]));
  const byShort = new Map(all.filter((f) => f.short !== undefined).map((f) => [f.short!, f]));
  const flags = new Map<string, FlagValue>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    let flag: FlagSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      flag = byName.get(name);
      if (flag === undefined) throw new UsageError(`unknown flag --${name}`);
      if (eq >= 0) inline = a.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(a)) {
      flag = byShort.get(a.slice(1));
      if (flag === undefined) throw new UsageError(`unknown flag ${a}`);
    } else {
      const p = spec.positionals?.[positionals.length];
      if (p === undefined) throw new UsageError(`unexpected argument '${a}'`);
      if (p.choices !== undefined && !p.choices.includes(a)) throw new UsageError(`unknown ${p.name} '${a}' (expected ${p.choices.join(', ')})`);
      positionals.push(a);
      continue;
    }
    if (flags.has(flag.name)) throw new UsageError(`--${flag.name} given twice`);
    if (flag.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${flag.name} takes no value, got '${inline}'`);
      flags.set(flag.name, true);
      continue;
    }
    const raw = inline ?? argv[++i];
    // A value may start with one dash (`--lr -1` is a bad value, not a missing one), never with two.
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) throw new UsageError(`--${flag.name} needs a value`);
    flags.set(flag.name, parseValue(flag, raw));
  }
  if (!flags.has('help')) {
    const missing = spec.positionals?.[positionals.length];
    if (missing !== undefined) throw new UsageError(missing.choices === undefined ? `expected ${missing.name}` : `which ${missing.name}? (${missing.choices.join(', ')})`);
  }
  return { positionals, flags };
}

function placeholder(f: FlagSpec): string {
  if (f.kind === 'boolean') return '';
  if (f.value !== undefined) return ` ${f.value}`;
  if (f.kind === 'choice') return ` ${f.choices!.join('|')}`;
  return f.kind === 'integer' ? ' N' : f.kind === 'number' ? ' X' : f.kind === 'list' ? ' N,N' : ' VALUE';
}

/**
 * The `--help` text of a command: synopsis, positionals, one line per flag, notes.
 * @example
 * ```ts
 * console.log(formatHelp({ name: 'verify', summary: 'check the seed labs', flags: [{ name: 'json', kind: 'boolean', help: 'one JSON object' }] }));
 * ```
 */
export function formatHelp(spec: CommandSpec): string {
  const pos = (spec.positionals ?? []).map((p) => ` <${p.choices?.join('|') ?? p.name}>`).join('');
  const lines = [`usage: tapegrad ${spec.name}${pos} [flags]`, '', spec.summary];
  for (const p of spec.positionals ?? []) if (p.help !== undefined) lines.push('', p.help);
  const rows = [...spec.flags, HELP].map((f) => [`${f.short !== undefined ? `-${f.short}, ` : ''}--${f.name}${placeholder(f)}`, f.help] as const);
  const width = Math.min(40, Math.max(...rows.map(([l]) => l.length)));
  lines.push('', 'flags:', ...rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`));
  if (spec.notes !== undefined && spec.notes.length > 0) lines.push('', ...spec.notes);
  return lines.join('\n');
}

/**
 * An error message for people: a leading `functionName:` or `functionName(args):` is dropped,
 * since a command-line user cannot look up our internal functions.
 * @example
 * ```ts
 * userMessage(new Error('trainMnist: batch must be positive')); // 'batch must be positive'
 * ```
 */
export function userMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^(?:[A-Za-z_$][\w$.]*(?:\([^)]*\))?: )+/, '');
}

/**
 * Runs a command: parses `argv` with {@link parseArgs}, prints `--help` (exit 0) or a one-line
 * usage error (exit 2, nothing else printed), else calls `body` with the parsed arguments.
 * @example
 * ```ts
 * const status = await runCommand(spec, ['--help'], async () => 0); // prints the help, returns 0
 * ```
 */
export async function runCommand(spec: CommandSpec, argv: readonly string[], body: (args: ParsedArgs) => Promise<number>): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(spec, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`tapegrad ${spec.name}: ${e.message} (see tapegrad ${spec.name} --help)`);
    return 2;
  }
  if (args.flags.has('help')) {
    console.log(formatHelp(spec));
    return 0;
  }
  try {
    return await body(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`tapegrad ${spec.name}: ${e.message} (see tapegrad ${spec.name} --help)`);
    return 2;
  }
}
