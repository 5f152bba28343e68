/** The playground's small expression language: a tokenizer and a Pratt parser producing an AST with source positions. */

/** A parse or evaluation error that knows where in the source it happened. */
export class SourceError extends Error {
  constructor(message: string, readonly start: number, readonly end: number = start + 1) {
    super(message);
    this.name = 'SourceError';
  }
}

type TokenKind = 'num' | 'name' | 'op' | 'sep' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

/** Expression nodes; `start`/`end` index the source text (end exclusive). */
export type Expr =
  | { kind: 'num'; value: number; start: number; end: number }
  | { kind: 'name'; name: string; start: number; end: number }
  | { kind: 'unary'; op: '-' | '+'; arg: Expr; start: number; end: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^' | '@'; left: Expr; right: Expr; start: number; end: number }
  | { kind: 'call'; fn: string; args: Expr[]; start: number; end: number }
  | { kind: 'array'; items: Expr[]; start: number; end: number };

/** One line of a program: `[data] name = expr` or a bare `expr`. */
export interface Statement {
  name: string | null;
  /** `data x = …`: a value that gets no gradient. */
  data: boolean;
  expr: Expr;
  start: number;
  end: number;
}

const OPERATORS = ['+', '-', '*', '/', '^', '@', '(', ')', ',', '=', '[', ']', '²'];

/**
 * Splits source text into tokens; newlines and `;` separate statements, `#` starts a comment.
 * @example
 * tokenize('w1*x1').map((t) => t.text); // ['w1', '*', 'x1', '']
 */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '\n' || c === ';') {
      tokens.push({ kind: 'sep', text: c, start: i, end: i + 1 });
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new SourceError(`unexpected '${c}' at ${where(src, i)}`, i);
      tokens.push({ kind: 'num', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_\u00C0-\u024F\u0370-\u03FF]/.test(c)) {
      const m = /^[A-Za-z_\u00C0-\u024F\u0370-\u03FF][A-Za-z0-9_\u00C0-\u024F\u0370-\u03FF]*/.exec(src.slice(i))!;
      tokens.push({ kind: 'name', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (c === '*' && src[i + 1] === '*') {
      // Python's power operator, so pasted numpy formulas work.
      tokens.push({ kind: 'op', text: '^', start: i, end: i + 2 });
      i += 2;
    } else if (c === '−' || c === '·' || c === '×') {
      // Typographic minus and multiplication signs from papers and the tape's formulas.
      tokens.push({ kind: 'op', text: c === '−' ? '-' : '*', start: i, end: i + 1 });
      i++;
    } else if (OPERATORS.includes(c)) {
      tokens.push({ kind: 'op', text: c, start: i, end: i + 1 });
      i++;
    } else {
      throw new SourceError(`unexpected character '${c}' at ${where(src, i)}`, i);
    }
  }
  tokens.push({ kind: 'eof', text: '', start: src.length, end: src.length });
  return tokens;
}

/** Binding powers: higher binds tighter; `^` is right-associative. */
const INFIX: Record<string, number> = { '+': 10, '-': 10, '*': 20, '/': 20, '@': 20, '^': 40 };
const PREFIX_POWER = 30;

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly src: string) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of input';
    if (t.kind === 'sep') return 'end of line';
    return `'${t.text}'`;
  }

  private fail(t: Token, what: string): never {
    const { line, column } = lineColumn(this.src, t.start);
    throw new SourceError(`${what}, found ${this.describe(t)} at line ${line}, column ${column}`, t.start, Math.max(t.end, t.start + 1));
  }

  private expect(text: string): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) this.fail(t, `expected '${text}'`);
    return this.next();
  }

  program(): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      while (this.peek().kind === 'sep') this.next();
      if (this.peek().kind === 'eof') return out;
      out.push(this.statement());
      const t = this.peek();
      if (t.kind !== 'sep' && t.kind !== 'eof') this.fail(t, 'expected an operator or the end of the line');
    }
  }

  private statement(): Statement {
    const first = this.peek();
    let data = false;
    let k = this.pos;
    if (first.kind === 'name' && first.text === 'data' && this.tokens[k + 1]?.kind === 'name') {
      data = true;
      k++;
    }
    const nameTok = this.tokens[k]!;
    const eq = this.tokens[k + 1];
    if (nameTok.kind === 'name' && eq?.kind === 'op' && eq.text === '=') {
      this.pos = k + 2;
      const expr = this.expression(0);
      return { name: nameTok.text, data, expr, start: first.start, end: expr.end };
    }
    if (data) this.fail(this.tokens[k + 1]!, `expected '=' after 'data ${nameTok.text}'`);
    const expr = this.expression(0);
    return { name: null, data: false, expr, start: expr.start, end: expr.end };
  }

  expression(minPower: number): Expr {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && t.text === '²') {
        this.next();
        left = { kind: 'binary', op: '^', left, right: { kind: 'num', value: 2, start: t.start, end: t.end }, start: left.start, end: t.end };
        continue;
      }
      const power = t.kind === 'op' ? INFIX[t.text] : undefined;
      if (power === undefined || power <= minPower) {
        if (t.kind === 'name' || t.kind === 'num' || (t.kind === 'op' && (t.text === '(' || t.text === '['))) {
          this.fail(t, 'expected an operator (write * for multiplication)');
        }
        return left;
      }
      this.next();
      const right = this.expression(t.text === '^' ? power - 1 : power);
      left = { kind: 'binary', op: t.text as '+', left, right, start: left.start, end: right.end };
    }
  }

  private prefix(): Expr {
    const t = this.next();
    if (t.kind === 'num') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) this.fail(t, 'expected a finite number');
      return { kind: 'num', value, start: t.start, end: t.end };
    }
    if (t.kind === 'name') {
      const after = this.peek();
      if (after.kind === 'op' && after.text === '(') {
        this.next();
        const args: Expr[] = [];
        if (!(this.peek().kind === 'op' && this.peek().text === ')')) {
          args.push(this.expression(0));
          while (this.peek().kind === 'op' && this.peek().text === ',') {
            this.next();
            args.push(this.expression(0));
          }
        }
        const close = this.expect(')');
        return { kind: 'call', fn: t.text, args, start: t.start, end: close.end };
      }
      return { kind: 'name', name: t.text, start: t.start, end: t.end };
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      const arg = this.expression(PREFIX_POWER);
      return { kind: 'unary', op: t.text, arg, start: t.start, end: arg.end };
    }
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.expression(0);
      const close = this.expect(')');
      return { ...inner, start: t.start, end: close.end };
    }
    if (t.kind === 'op' && t.text === '[') {
      const items: Expr[] = [];
      while (this.peek().kind === 'sep') this.next();
      if (!(this.peek().kind === 'op' && this.peek().text === ']')) {
        items.push(this.expression(0));
        while (this.peek().kind === 'op' && this.peek().text === ',') {
          this.next();
          while (this.peek().kind === 'sep') this.next();
          items.push(this.expression(0));
        }
      }
      while (this.peek().kind === 'sep') this.next();
      const close = this.expect(']');
      return { kind: 'array', items, start: t.start, end: close.end };
    }
    return this.fail(t, 'expected a number, a name, a function call or (');
  }
}

function where(src: string, offset: number): string {
  const { line, column } = lineColumn(src, offset);
  return `line ${line}, column ${column}`;
}

/**
 * 1-based line and column of a source offset, for messages.
 * @example
 * lineColumn('a\nbc', 3); // { line: 2, column: 2 }
 */
export function lineColumn(src: string, offset: number): { line: number; column: number } {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Parses a program: statements separated by newlines or `;`, each `name = expr`, `data name = expr` or `expr`.
 * @example
 * parseProgram('z = w*x; 0.5*z^2').length; // 2
 */
export function parseProgram(src: string): Statement[] {
  return new Parser(tokenize(src), src).program();
}

/**
 * Parses a single expression (the whole text).
 * @example
 * parseExpression('-x^2').kind; // 'unary' (−(x²), like maths)
 */
export function parseExpression(src: string): Expr {
  const tokens = tokenize(src).filter((t) => t.kind !== 'sep' || t.text === ';');
  const p = new Parser(tokens, src);
  const statements = p.program();
  if (statements.length !== 1 || statements[0]!.name !== null) {
    throw new SourceError('expected exactly one expression', 0, src.length);
  }
  return statements[0]!.expr;
}
