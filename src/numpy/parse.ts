/**
 * Python source to our AST: `@lezer/python` parses (pure JS, browser-safe), we read its tree once
 * with the cursor API, reject error nodes and constructs outside the dialect with file/line/column,
 * and build the small AST of ./ast.ts that the evaluator walks.
 */
import { parser } from '@lezer/python';
import type { Arg, Expr, FPart, FunctionInfo, Generator, Module, Param, Stmt, TraceInfo } from './ast.js';
import { PyError, positionOf } from './errors.js';

/** A light copy of one lezer node: its type name, span and children. */
interface LNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly kids: LNode[];
}

/** lezer's tree as LNodes, read once with a TreeCursor (iterative: deep nesting cannot overflow). */
function readTree(source: string): LNode {
  const cursor = parser.parse(source).cursor();
  const root: LNode = { name: cursor.name, from: cursor.from, to: cursor.to, kids: [] };
  const stack: LNode[] = [root];
  if (!cursor.firstChild()) return root;
  for (;;) {
    const node: LNode = { name: cursor.name, from: cursor.from, to: cursor.to, kids: [] };
    stack[stack.length - 1]!.kids.push(node);
    if (cursor.firstChild()) {
      stack.push(node);
      continue;
    }
    while (!cursor.nextSibling()) {
      if (!cursor.parent() || stack.length === 1) return root;
      stack.pop();
    }
  }
}

/** Constructs lezer parses but our dialect does not run: the name in the error message. */
const UNSUPPORTED: Record<string, string> = {
  YieldStatement: '`yield`',
  YieldExpression: '`yield`',
  AwaitExpression: '`await`',
  WithStatement: '`with`',
  MatchStatement: '`match`',
  NamedExpression: 'the walrus operator `:=`',
  PrintStatement: 'the Python 2 `print` statement',
};

/** Parses a whole file into our AST; a syntax error or unsupported construct is a PyError. */
export function parseModule(source: string, filename = '<input>'): Module {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const b = new Builder(source, filename, lineStarts);
  const root = readTree(source);
  b.checkErrors(root);
  const body = b.block(root.kids);
  return { body, source, filename, lineStarts };
}

class Builder {
  constructor(readonly source: string, readonly filename: string, readonly lineStarts: number[]) {}

  fail(at: number, pyType: string, message: string): never {
    const { line, column } = positionOf(this.lineStarts, at);
    throw new PyError(pyType, message, this.filename, line, column);
  }

  unsupported(at: number, what: string): never {
    return this.fail(at, 'NotSupported', `${what} is not supported`);
  }

  text(n: { from: number; to: number }): string {
    return this.source.slice(n.from, n.to);
  }

  /** The first error node (⚠) anywhere is a SyntaxError at its position. */
  checkErrors(root: LNode): void {
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      // lezer reads `1.` as a member access with an empty error node: that is a float, not an error.
      if (trailingDotFloat(n)) continue;
      if (n.name === '⚠') {
        const near = this.source.slice(n.from, Math.min(this.source.length, n.from + 20)).split('\n')[0];
        this.fail(n.from, 'SyntaxError', near === '' || near === undefined ? 'invalid syntax' : `invalid syntax near '${near}'`);
      }
      if (UNSUPPORTED[n.name] !== undefined) this.unsupported(n.from, UNSUPPORTED[n.name]!);
      for (let i = n.kids.length - 1; i >= 0; i--) stack.push(n.kids[i]!);
    }
  }

  // ---------------------------------------------------------------- statements

  block(nodes: readonly LNode[]): Stmt[] {
    const out: Stmt[] = [];
    for (const n of nodes) {
      if (n.name === ':' || n.name === 'Comment' || n.name === ';') continue;
      if (n.name === 'StatementGroup') out.push(...this.block(n.kids));
      else out.push(this.stmt(n));
    }
    return out;
  }

  body(n: LNode | undefined): Stmt[] {
    if (n === undefined || n.name !== 'Body') return this.fail(n?.from ?? 0, 'SyntaxError', 'expected an indented block');
    return this.block(n.kids);
  }

  trace(n: LNode, kind: TraceInfo['kind'], reads: readonly string[]): TraceInfo {
    const line = positionOf(this.lineStarts, n.from).line;
    const endLine = positionOf(this.lineStarts, Math.max(n.from, n.to - 1)).line;
    return { line, endLine, text: this.text(n).replace(/\s+$/, ''), kind, reads };
  }

  stmt(n: LNode): Stmt {
    const at = n.from;
    const k = n.kids;
    switch (n.name) {
      case 'ExpressionStatement': {
        const e = this.exprList(k);
        return { k: 'expr', at, e, trace: this.trace(n, 'expr', readsOf([e])) };
      }
      case 'AssignStatement': {
        const segments = splitBy(k.filter((c) => c.name !== 'TypeDef'), 'AssignOp');
        const exprs = segments.map((s) => this.exprList(s));
        const value = exprs.pop()!;
        for (const t of exprs) this.checkTarget(t);
        return { k: 'assign', at, targets: exprs, value, trace: this.trace(n, 'assign', readsOf([...exprs.filter((t) => t.k !== 'name'), value])) };
      }
      case 'UpdateStatement': {
        const opNode = k.find((c) => c.name === 'UpdateOp')!;
        const i = k.indexOf(opNode);
        const target = this.exprList(k.slice(0, i));
        const value = this.exprList(k.slice(i + 1));
        if (target.k !== 'name' && target.k !== 'attr' && target.k !== 'sub') this.fail(at, 'SyntaxError', "illegal expression for augmented assignment");
        return { k: 'aug', at, target, op: this.text(opNode).slice(0, -1), value, trace: this.trace(n, 'augassign', readsOf([target, value])) };
      }
      case 'ReturnStatement': {
        const rest = k.slice(1);
        const value = rest.length === 0 ? null : this.exprList(rest);
        return { k: 'return', at, value, trace: this.trace(n, 'return', value === null ? [] : readsOf([value])) };
      }
      case 'PassStatement':
        return { k: 'pass', at, trace: this.trace(n, 'other', []) };
      case 'BreakStatement':
        return { k: 'break', at, trace: this.trace(n, 'other', []) };
      case 'ContinueStatement':
        return { k: 'continue', at, trace: this.trace(n, 'other', []) };
      case 'ScopeStatement': {
        const kind = k[0]!.name === 'global' ? 'global' : 'nonlocal';
        return { k: kind, at, names: k.filter((c) => c.name === 'VariableName').map((c) => this.text(c)), trace: this.trace(n, 'other', []) };
      }
      case 'AssertStatement': {
        const parts = splitBy(k.slice(1), ',');
        const test = this.expr1(parts[0]!);
        const msg = parts[1] === undefined ? null : this.expr1(parts[1]);
        return { k: 'assert', at, test, msg, trace: this.trace(n, 'other', readsOf(msg === null ? [test] : [test, msg])) };
      }
      case 'RaiseStatement': {
        const parts = splitBy(k.slice(1), 'from');
        const exc = parts[0] === undefined || parts[0].length === 0 ? null : this.expr1(parts[0]);
        const cause = parts[1] === undefined ? null : this.expr1(parts[1]);
        return { k: 'raise', at, exc, cause, trace: this.trace(n, 'other', exc === null ? [] : readsOf([exc])) };
      }
      case 'DeleteStatement': {
        const targets = splitBy(k.slice(1), ',').filter((s) => s.length > 0).map((s) => this.expr1(s));
        return { k: 'del', at, targets, trace: this.trace(n, 'other', []) };
      }
      case 'ImportStatement':
        return this.importStmt(n);
      case 'IfStatement': {
        const branches: [Expr, Stmt[]][] = [];
        let orelse: Stmt[] | null = null;
        for (let i = 0; i < k.length; i++) {
          const c = k[i]!;
          if (c.name === 'if' || c.name === 'elif') {
            branches.push([this.expr(k[i + 1]!), this.body(k[i + 2])]);
            i += 2;
          } else if (c.name === 'else') {
            orelse = this.body(k[i + 1]);
            i += 1;
          }
        }
        return { k: 'if', at, branches, orelse };
      }
      case 'WhileStatement': {
        const bodyIdx = k.findIndex((c) => c.name === 'Body');
        const test = this.exprList(k.slice(1, bodyIdx));
        const elseIdx = k.findIndex((c) => c.name === 'else');
        return { k: 'while', at, test, body: this.body(k[bodyIdx]), orelse: elseIdx < 0 ? null : this.body(k[elseIdx + 1]) };
      }
      case 'ForStatement': {
        if (k[0]!.name === 'async') this.unsupported(at, '`async for`');
        const inIdx = k.findIndex((c) => c.name === 'in');
        const bodyIdx = k.findIndex((c) => c.name === 'Body');
        const target = this.exprList(k.slice(1, inIdx));
        this.checkTarget(target);
        const iter = this.exprList(k.slice(inIdx + 1, bodyIdx));
        const elseIdx = k.findIndex((c) => c.name === 'else');
        return { k: 'for', at, target, iter, body: this.body(k[bodyIdx]), orelse: elseIdx < 0 ? null : this.body(k[elseIdx + 1]) };
      }
      case 'FunctionDefinition':
        return this.def(n, []);
      case 'ClassDefinition':
        return this.classDef(n, []);
      case 'DecoratedStatement': {
        const decorators = k.filter((c) => c.name === 'Decorator').map((d) => this.decorator(d));
        const target = k.find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition')!;
        return target.name === 'FunctionDefinition' ? this.def(target, decorators) : this.classDef(target, decorators);
      }
      case 'TryStatement':
        return this.tryStmt(n);
      default:
        if (n.name.endsWith('Statement')) this.unsupported(at, `the statement '${this.text(n).split('\n')[0]}'`);
        // A bare expression (lezer wraps most, but not all, in ExpressionStatement).
        {
          const e = this.expr(n);
          return { k: 'expr', at, e, trace: this.trace(n, 'expr', readsOf([e])) };
        }
    }
  }

  decorator(d: LNode): Expr {
    const parts = d.kids.filter((c) => c.name !== 'At');
    let e: Expr | null = null;
    for (const p of parts) {
      if (p.name === 'VariableName' || p.name === 'PropertyName') {
        e = e === null ? { k: 'name', at: p.from, id: this.text(p) } : { k: 'attr', at: p.from, end: p.to, obj: e, name: this.text(p) };
      } else if (p.name === 'ArgList' && e !== null) {
        e = { k: 'call', at: p.from, fn: e, args: this.args(p) };
      } else if (p.name !== '.') {
        e = this.expr(p);
      }
    }
    if (e === null) this.fail(d.from, 'SyntaxError', 'empty decorator');
    return e;
  }

  def(n: LNode, decorators: Expr[]): Stmt {
    const k = n.kids;
    if (k[0]!.name === 'async') this.unsupported(n.from, '`async def`');
    const nameNode = k.find((c) => c.name === 'VariableName')!;
    const params = this.params(k.find((c) => c.name === 'ParamList')!);
    const body = this.body(k.find((c) => c.name === 'Body'));
    return { k: 'def', at: n.from, fn: this.functionInfo(this.text(nameNode), params, body, n.from, false), decorators };
  }

  functionInfo(name: string, params: Param[], body: Stmt[], at: number, lambda: boolean): FunctionInfo {
    const bound = new Set<string>(params.map((p) => p.name));
    const globals = new Set<string>();
    const nonlocals = new Set<string>();
    bindings(body, bound, globals, nonlocals);
    for (const g of globals) bound.delete(g);
    for (const g of nonlocals) bound.delete(g);
    const first = body[0];
    const docstring = !lambda && first !== undefined && first.k === 'expr' && first.e.k === 'str' ? first.e.v : null;
    return { name, params, body, locals: bound, globals, nonlocals, at, lambda, docstring };
  }

  classDef(n: LNode, decorators: Expr[]): Stmt {
    const k = n.kids;
    const nameNode = k.find((c) => c.name === 'VariableName')!;
    const argList = k.find((c) => c.name === 'ArgList');
    const bases = argList === undefined ? [] : this.args(argList).map((a) => {
      if (a.kind !== 'pos') this.unsupported(a.value.at, 'a class keyword argument (metaclass=…)');
      return a.value;
    });
    return { k: 'class', at: n.from, name: this.text(nameNode), bases, body: this.body(k.find((c) => c.name === 'Body')), decorators };
  }

  tryStmt(n: LNode): Stmt {
    const k = n.kids;
    let body: Stmt[] = [];
    const handlers: { type: Expr | null; name: string | null; body: Stmt[]; at: number }[] = [];
    let orelse: Stmt[] | null = null;
    let final: Stmt[] | null = null;
    for (let i = 0; i < k.length; i++) {
      const c = k[i]!;
      if (c.name === 'try') {
        body = this.body(k[++i]);
      } else if (c.name === 'except') {
        let j = i + 1;
        const head: LNode[] = [];
        while (j < k.length && k[j]!.name !== 'Body') head.push(k[j++]!);
        const asIdx = head.findIndex((h) => h.name === 'as');
        const typeNodes = asIdx < 0 ? head : head.slice(0, asIdx);
        if (typeNodes.some((t) => t.name === '*')) this.unsupported(c.from, '`except*`');
        handlers.push({
          type: typeNodes.length === 0 ? null : this.exprList(typeNodes),
          name: asIdx < 0 ? null : this.text(head[asIdx + 1]!),
          body: this.body(k[j]),
          at: c.from,
        });
        i = j;
      } else if (c.name === 'else') {
        orelse = this.body(k[++i]);
      } else if (c.name === 'finally') {
        final = this.body(k[++i]);
      }
    }
    return { k: 'try', at: n.from, body, handlers, orelse, final };
  }

  importStmt(n: LNode): Stmt {
    const k = n.kids;
    const trace = this.trace(n, 'other', []);
    if (k[0]!.name === 'from') {
      const importIdx = k.findIndex((c) => c.name === 'import');
      const module = k.slice(1, importIdx).map((c) => this.text(c)).join('');
      if (module.startsWith('.')) this.unsupported(n.from, 'a relative import');
      const rest = k.slice(importIdx + 1).filter((c) => c.name !== '(' && c.name !== ')');
      if (rest.length === 1 && rest[0]!.name === '*') return { k: 'from', at: n.from, module, names: '*', trace };
      const names = splitBy(rest, ',').filter((s) => s.length > 0).map((s) => ({
        name: this.text(s[0]!),
        as: s.length === 3 ? this.text(s[2]!) : null,
      }));
      return { k: 'from', at: n.from, module, names, trace };
    }
    const names = splitBy(k.slice(1), ',').filter((s) => s.length > 0).map((s) => {
      const asIdx = s.findIndex((c) => c.name === 'as');
      const dotted = (asIdx < 0 ? s : s.slice(0, asIdx)).map((c) => this.text(c)).join('');
      return { module: dotted, as: asIdx < 0 ? null : this.text(s[asIdx + 1]!) };
    });
    return { k: 'import', at: n.from, names, trace };
  }

  checkTarget(t: Expr): void {
    switch (t.k) {
      case 'name': case 'attr': case 'sub':
        return;
      case 'tuple': case 'list':
        for (const item of t.items) this.checkTarget(item.k === 'star' ? item.e : item);
        return;
      default:
        this.fail(t.at, 'SyntaxError', 'cannot assign to this expression');
    }
  }

  params(n: LNode): Param[] {
    const out: Param[] = [];
    let kwOnly = false;
    const items = splitBy(n.kids.filter((c) => c.name !== '(' && c.name !== ')'), ',');
    for (const s of items) {
      if (s.length === 0) continue;
      const first = s[0]!;
      if (first.name === '/') continue;
      if (first.name === '*' || first.name === '**') {
        if (s.length === 1) {
          kwOnly = true; // a bare `*`: the parameters after it are keyword-only
          continue;
        }
        out.push({ name: this.text(s[1]!), kind: first.name === '*' ? 'star' : 'dstar', dflt: null });
        if (first.name === '*') kwOnly = true;
        continue;
      }
      const eq = s.findIndex((c) => c.name === 'AssignOp');
      out.push({ name: this.text(first), kind: kwOnly ? 'kwonly' : 'normal', dflt: eq < 0 ? null : this.expr1(s.slice(eq + 1)) });
    }
    return out;
  }

  // ---------------------------------------------------------------- expressions

  /** A comma-separated list of expressions: one expression, or a tuple when there is a comma. */
  exprList(nodes: readonly LNode[]): Expr {
    const parts = splitBy(nodes, ',');
    if (parts.length === 1) return this.expr1(parts[0]!);
    const items = parts.filter((p, i) => p.length > 0 || i < parts.length - 1).map((p) => this.expr1(p));
    return { k: 'tuple', at: nodes[0]!.from, items };
  }

  /** One expression, possibly starred (`*rest`). */
  expr1(nodes: readonly LNode[]): Expr {
    if (nodes.length === 0) return this.fail(0, 'SyntaxError', 'expected an expression');
    if (nodes[0]!.name === '*' && nodes.length === 2) return { k: 'star', at: nodes[0]!.from, e: this.expr(nodes[1]!) };
    if (nodes.length !== 1) this.fail(nodes[1]!.from, 'SyntaxError', `unexpected '${this.text(nodes[1]!)}'`);
    return this.expr(nodes[0]!);
  }

  expr(n: LNode): Expr {
    const at = n.from;
    const k = n.kids;
    switch (n.name) {
      case 'VariableName':
        return { k: 'name', at, id: this.text(n) };
      case 'Number':
        return this.number(n);
      case 'String':
        return { k: 'str', at, v: this.stringValue(n) };
      case 'ContinuedString': {
        const parts = k.filter((c) => c.name === 'String' || c.name === 'FormatString').map((c) => this.expr(c));
        if (parts.every((p) => p.k === 'str')) return { k: 'str', at, v: parts.map((p) => (p as { v: string }).v).join('') };
        const fparts: FPart[] = [];
        for (const p of parts) {
          if (p.k === 'str') fparts.push(p.v);
          else if (p.k === 'fstr') fparts.push(...p.parts);
        }
        return { k: 'fstr', at, parts: fparts };
      }
      case 'FormatString':
        return this.fstring(n);
      case 'Boolean':
        return { k: 'const', at, v: this.text(n) === 'True' };
      case 'None':
        return { k: 'const', at, v: null };
      case 'Ellipsis':
        return { k: 'const', at, v: 'ellipsis' };
      case 'ParenthesizedExpression': {
        const inner = k.filter((c) => c.name !== '(' && c.name !== ')');
        if (inner.some((c) => c.name === 'for')) return this.comprehension(n, 'gen');
        return this.exprList(inner);
      }
      case 'TupleExpression': {
        const inner = k.filter((c) => c.name !== '(' && c.name !== ')');
        if (inner.length === 0) return { k: 'tuple', at, items: [] };
        const parts = splitBy(inner, ',');
        const items = parts.filter((p) => p.length > 0).map((p) => this.expr1(p));
        return { k: 'tuple', at, items };
      }
      case 'ArrayExpression':
      case 'SetExpression': {
        const inner = k.slice(1, -1);
        const items = splitBy(inner, ',').filter((p) => p.length > 0).map((p) => this.expr1(p));
        return { k: n.name === 'ArrayExpression' ? 'list' : 'set', at, items };
      }
      case 'ArrayComprehensionExpression':
        return this.comprehension(n, 'list');
      case 'SetComprehensionExpression':
        return this.comprehension(n, 'set');
      case 'DictionaryComprehensionExpression':
        return this.comprehension(n, 'dict');
      case 'ComprehensionExpression':
        return this.comprehension(n, 'gen');
      case 'DictionaryExpression': {
        const items: [Expr | null, Expr][] = [];
        for (const p of splitBy(k.slice(1, -1), ',')) {
          if (p.length === 0) continue;
          if (p[0]!.name === '**') {
            items.push([null, this.expr1(p.slice(1))]);
            continue;
          }
          const colon = p.findIndex((c) => c.name === ':');
          items.push([this.expr1(p.slice(0, colon)), this.expr1(p.slice(colon + 1))]);
        }
        return { k: 'dict', at, items };
      }
      case 'MemberExpression': {
        if (trailingDotFloat(n)) return { k: 'num', at, v: Number(this.text(n)), float: true };
        const obj = this.expr(k[0]!);
        if (k[1]!.name === '.') return { k: 'attr', at, end: n.to, obj, name: this.text(k[2]!) };
        return { k: 'sub', at, end: n.to, obj, index: this.subscript(k.slice(2, -1), k[1]!.from) };
      }
      case 'CallExpression':
        return { k: 'call', at, fn: this.expr(k[0]!), args: this.args(k[1]!) };
      case 'UnaryExpression': {
        const op = this.text(k[0]!);
        return { k: 'unary', at, op, e: this.expr(k[1]!) };
      }
      case 'BinaryExpression':
        return this.binary(n);
      case 'ConditionalExpression': {
        const ifIdx = k.findIndex((c) => c.name === 'if');
        const elseIdx = k.findIndex((c) => c.name === 'else');
        return {
          k: 'ifexp', at,
          body: this.expr1(k.slice(0, ifIdx)),
          test: this.expr1(k.slice(ifIdx + 1, elseIdx)),
          orelse: this.expr1(k.slice(elseIdx + 1)),
        };
      }
      case 'LambdaExpression': {
        const pl = k.find((c) => c.name === 'ParamList');
        const params = pl === undefined ? [] : this.params({ ...pl, kids: [{ name: '(', from: pl.from, to: pl.from, kids: [] }, ...pl.kids] });
        const colon = k.findIndex((c) => c.name === ':');
        const bodyExpr = this.expr1(k.slice(colon + 1));
        const ret: Stmt = { k: 'return', at: bodyExpr.at, value: bodyExpr, trace: this.trace(n, 'return', readsOf([bodyExpr])) };
        return { k: 'lambda', at, fn: this.functionInfo('<lambda>', params, [ret], at, true) };
      }
      default:
        if (UNSUPPORTED[n.name] !== undefined) this.unsupported(at, UNSUPPORTED[n.name]!);
        return this.unsupported(at, `the expression '${this.text(n).slice(0, 40)}' (${n.name})`);
    }
  }

  binary(n: LNode): Expr {
    const k = n.kids;
    const l = k[0]!;
    const r = k[k.length - 1]!;
    const op = k.slice(1, -1).map((c) => this.text(c)).join(' ');
    const at = n.from;
    if (op === 'and' || op === 'or') return { k: op, at, l: this.expr(l), r: this.expr(r) };
    if (COMPARE.has(op)) {
      const left = this.expr(l);
      const right = this.expr(r);
      // lezer nests `a < b < c` as ((a < b) < c); Python chains it: (a < b) and (b < c).
      if (left.k === 'cmp' && l.name === 'BinaryExpression') return { k: 'cmp', at, first: left.first, ops: [...left.ops, op], rest: [...left.rest, right] };
      return { k: 'cmp', at, first: left, ops: [op], rest: [right] };
    }
    return { k: 'bin', at, op, l: this.expr(l), r: this.expr(r) };
  }

  subscript(nodes: readonly LNode[], at: number): Expr {
    const parts = splitBy(nodes, ',');
    const items = parts.filter((p, i) => p.length > 0 || i < parts.length - 1).map((p) => this.sliceItem(p));
    if (parts.length === 1) return items[0]!;
    return { k: 'tuple', at, items };
  }

  sliceItem(nodes: readonly LNode[]): Expr {
    if (!nodes.some((c) => c.name === ':')) return this.expr1(nodes);
    const pieces = splitBy(nodes, ':');
    const part = (i: number): Expr | null => (pieces[i] === undefined || pieces[i]!.length === 0 ? null : this.expr1(pieces[i]!));
    return { k: 'slice', at: nodes[0]!.from, lo: part(0), hi: part(1), step: part(2) };
  }

  args(n: LNode): Arg[] {
    const inner = n.kids.filter((c) => c.name !== '(' && c.name !== ')');
    if (inner.some((c) => c.name === 'for')) {
      // f(x for x in y): one generator argument.
      return [{ kind: 'pos', name: null, value: this.comprehension({ ...n, kids: [n.kids[0]!, ...inner, n.kids[n.kids.length - 1]!] }, 'gen') }];
    }
    const out: Arg[] = [];
    for (const p of splitBy(inner, ',')) {
      if (p.length === 0) continue;
      if (p[0]!.name === '*' && p.length === 2) out.push({ kind: 'star', name: null, value: this.expr(p[1]!) });
      else if (p[0]!.name === '**') out.push({ kind: 'dstar', name: null, value: this.expr1(p.slice(1)) });
      else if (p.length >= 3 && p[1]!.name === 'AssignOp') out.push({ kind: 'kw', name: this.text(p[0]!), value: this.expr1(p.slice(2)) });
      else out.push({ kind: 'pos', name: null, value: this.expr1(p) });
    }
    return out;
  }

  comprehension(n: LNode, kind: 'list' | 'set' | 'gen' | 'dict'): Expr {
    const inner = n.kids.slice(1, -1);
    const firstFor = inner.findIndex((c) => c.name === 'for');
    const head = inner.slice(0, firstFor);
    let elt: Expr;
    let value: Expr | null = null;
    if (kind === 'dict') {
      const colon = head.findIndex((c) => c.name === ':');
      elt = this.expr1(head.slice(0, colon));
      value = this.expr1(head.slice(colon + 1));
    } else {
      elt = this.exprList(head);
    }
    const gens: Generator[] = [];
    let i = firstFor;
    while (i < inner.length) {
      if (inner[i]!.name === 'async') this.unsupported(inner[i]!.from, '`async for`');
      // for TARGET in ITER (if COND)*
      const inIdx = inner.findIndex((c, j) => j > i && c.name === 'in');
      const target = this.exprList(inner.slice(i + 1, inIdx));
      let j = inIdx + 1;
      const iterNodes: LNode[] = [];
      while (j < inner.length && inner[j]!.name !== 'for' && inner[j]!.name !== 'if') iterNodes.push(inner[j++]!);
      const ifs: Expr[] = [];
      while (j < inner.length && inner[j]!.name === 'if') {
        const cond: LNode[] = [];
        j++;
        while (j < inner.length && inner[j]!.name !== 'for' && inner[j]!.name !== 'if') cond.push(inner[j++]!);
        ifs.push(this.expr1(cond));
      }
      gens.push({ target, iter: this.exprList(iterNodes), ifs });
      i = j;
    }
    return { k: 'comp', at: n.from, kind, elt, value, gens };
  }

  number(n: LNode): Expr {
    const raw = this.text(n).replace(/_/g, '');
    if (/[jJ]$/.test(raw)) this.unsupported(n.from, 'a complex number');
    if (/^0[xX]/.test(raw)) return { k: 'num', at: n.from, v: parseInt(raw.slice(2), 16), float: false };
    if (/^0[oO]/.test(raw)) return { k: 'num', at: n.from, v: parseInt(raw.slice(2), 8), float: false };
    if (/^0[bB]/.test(raw)) return { k: 'num', at: n.from, v: parseInt(raw.slice(2), 2), float: false };
    const float = /[.eE]/.test(raw);
    return { k: 'num', at: n.from, v: Number(raw), float };
  }

  /** The value of one string literal (prefixes r, u; bytes are not in the dialect). */
  stringValue(n: LNode): string {
    const raw = this.text(n);
    const m = /^([a-zA-Z]*)('''|"""|'|")/.exec(raw)!;
    const prefix = m[1]!.toLowerCase();
    if (prefix.includes('b')) this.unsupported(n.from, 'a bytes literal');
    const q = m[2]!.length;
    const body = raw.slice(m[0].length, raw.length - q);
    return prefix.includes('r') ? body : unescape(body);
  }

  fstring(n: LNode): Expr {
    const raw = this.text(n);
    const m = /^([a-zA-Z]*)('''|"""|'|")/.exec(raw)!;
    const isRaw = m[1]!.toLowerCase().includes('r');
    const start = n.from + m[0].length;
    const end = n.to - m[2]!.length;
    return { k: 'fstr', at: n.from, parts: this.fparts(n.kids.filter((c) => c.name === 'FormatReplacement'), start, end, isRaw) };
  }

  fparts(reps: readonly LNode[], start: number, end: number, isRaw: boolean): FPart[] {
    const parts: FPart[] = [];
    let pos = start;
    const literal = (from: number, to: number): void => {
      if (to <= from) return;
      const s = this.source.slice(from, to).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      parts.push(isRaw ? s : unescape(s));
    };
    for (const r of reps) {
      literal(pos, r.from);
      const inner = r.kids.filter((c) => c.name !== '{' && c.name !== '}');
      const convNode = inner.find((c) => c.name === 'FormatConversion');
      const specNode = inner.find((c) => c.name === 'FormatSpec');
      const head = this.source.slice(r.from + 1, (convNode ?? specNode ?? { from: r.to - 1 }).from);
      const debugEq = /[^=!<>]=\s*$/.test(head);
      const exprNodes = inner.filter((c) => c !== convNode && c !== specNode && !(debugEq && this.text(c) === '=' ));
      const expr = this.exprList(exprNodes);
      let spec: FPart[] | null = null;
      if (specNode !== undefined) {
        spec = this.fparts(specNode.kids.filter((c) => c.name === 'FormatReplacement'), specNode.from + 1, specNode.to, isRaw);
      }
      const debug = debugEq ? this.source.slice(r.from + 1, exprNodes[exprNodes.length - 1]!.to) + '=' : null;
      parts.push({ expr, conv: convNode === undefined ? null : this.text(convNode).slice(1), spec, debug });
      pos = r.to;
    }
    literal(pos, end);
    return parts;
  }
}

const COMPARE = new Set(['<', '>', '<=', '>=', '==', '!=', 'in', 'not in', 'is', 'is not']);

/** `1.`, which lezer parses as Number '.' followed by an empty error node. */
function trailingDotFloat(n: LNode): boolean {
  if (n.name !== 'MemberExpression' || n.kids.length < 2 || n.kids[0]!.name !== 'Number' || n.kids[1]!.name !== '.') return false;
  if (n.kids[0]!.to !== n.kids[1]!.from) return false;
  if (n.kids.length === 2) return true;
  const third = n.kids[2]!;
  return n.kids.length === 3 && third.name === '⚠' && third.from === third.to;
}

/** Splits a child list at tokens named `sep` (top level only: children are already grouped). */
function splitBy(nodes: readonly LNode[], sep: string): LNode[][] {
  const out: LNode[][] = [[]];
  for (const n of nodes) {
    if (n.name === sep) out.push([]);
    else out[out.length - 1]!.push(n);
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/g, (all, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? all;
  });
}

/** Names a statement reads, in order, each once (lambda and comprehension internals included). */
export function readsOf(exprs: readonly Expr[]): string[] {
  const seen = new Set<string>();
  const visit = (e: Expr | null): void => {
    if (e === null) return;
    switch (e.k) {
      case 'name': seen.add(e.id); return;
      case 'attr': visit(e.obj); return;
      case 'sub': visit(e.obj); visit(e.index); return;
      case 'slice': visit(e.lo); visit(e.hi); visit(e.step); return;
      case 'call': visit(e.fn); for (const a of e.args) visit(a.value); return;
      case 'bin': case 'and': case 'or': visit(e.l); visit(e.r); return;
      case 'unary': case 'star': visit(e.e); return;
      case 'cmp': visit(e.first); for (const r of e.rest) visit(r); return;
      case 'ifexp': visit(e.test); visit(e.body); visit(e.orelse); return;
      case 'list': case 'tuple': case 'set': for (const i of e.items) visit(i); return;
      case 'dict': for (const [kk, v] of e.items) { visit(kk); visit(v); } return;
      case 'comp': {
        // The element and the conditions read names too (`[(w0[i] - W[i]) / lr for i in …]` reads
        // w0, W and lr); the comprehension's own loop variables are not reads of the statement.
        const own = new Set<string>();
        const bind = (t: Expr): void => {
          if (t.k === 'name') own.add(t.id);
          else if (t.k === 'tuple' || t.k === 'list') for (const i of t.items) bind(i.k === 'star' ? i.e : i);
        };
        for (const g of e.gens) bind(g.target);
        const inner = readsOf([e.elt, ...(e.value === null ? [] : [e.value]), ...e.gens.flatMap((g) => g.ifs)]);
        for (const g of e.gens) visit(g.iter);
        for (const n of inner) if (!own.has(n)) seen.add(n);
        return;
      }
      case 'fstr':
        for (const p of e.parts) if (typeof p !== 'string') visit(p.expr);
        return;
      default:
        return;
    }
  };
  for (const e of exprs) visit(e);
  return [...seen];
}

/** Collects the names a function body binds (not descending into nested defs, classes or lambdas). */
function bindings(body: readonly Stmt[], bound: Set<string>, globals: Set<string>, nonlocals: Set<string>): void {
  const target = (t: Expr): void => {
    if (t.k === 'name') bound.add(t.id);
    else if (t.k === 'tuple' || t.k === 'list') for (const i of t.items) target(i.k === 'star' ? i.e : i);
  };
  for (const s of body) {
    switch (s.k) {
      case 'assign': for (const t of s.targets) target(t); break;
      case 'aug': target(s.target); break;
      case 'for': target(s.target); bindings(s.body, bound, globals, nonlocals); if (s.orelse) bindings(s.orelse, bound, globals, nonlocals); break;
      case 'while': bindings(s.body, bound, globals, nonlocals); if (s.orelse) bindings(s.orelse, bound, globals, nonlocals); break;
      case 'if': for (const [, b] of s.branches) bindings(b, bound, globals, nonlocals); if (s.orelse) bindings(s.orelse, bound, globals, nonlocals); break;
      case 'try':
        bindings(s.body, bound, globals, nonlocals);
        for (const h of s.handlers) { if (h.name !== null) bound.add(h.name); bindings(h.body, bound, globals, nonlocals); }
        if (s.orelse) bindings(s.orelse, bound, globals, nonlocals);
        if (s.final) bindings(s.final, bound, globals, nonlocals);
        break;
      case 'def': bound.add(s.fn.name); break;
      case 'class': bound.add(s.name); break;
      case 'import': for (const n of s.names) bound.add(n.as ?? n.module.split('.')[0]!); break;
      case 'from': if (s.names !== '*') for (const n of s.names) bound.add(n.as ?? n.name); break;
      case 'del': for (const t of s.targets) target(t); break;
      case 'global': for (const n of s.names) globals.add(n); break;
      case 'nonlocal': for (const n of s.names) nonlocals.add(n); break;
      default: break;
    }
  }
}
