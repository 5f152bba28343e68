/** The interpreter's own small Python AST, built once from lezer's tree and then evaluated. */

/** A source position: offset into the file (line and column are computed only for errors). */
export interface Pos {
  readonly at: number;
}

/** An expression node. */
export type Expr =
  | { readonly k: 'num'; readonly at: number; readonly v: number; readonly float: boolean }
  | { readonly k: 'str'; readonly at: number; readonly v: string }
  | { readonly k: 'fstr'; readonly at: number; readonly parts: readonly FPart[] }
  | { readonly k: 'const'; readonly at: number; readonly v: boolean | null | 'ellipsis' }
  | { readonly k: 'name'; readonly at: number; readonly id: string }
  | { readonly k: 'attr'; readonly at: number; readonly end: number; readonly obj: Expr; readonly name: string }
  | { readonly k: 'sub'; readonly at: number; readonly end: number; readonly obj: Expr; readonly index: Expr }
  | { readonly k: 'slice'; readonly at: number; readonly lo: Expr | null; readonly hi: Expr | null; readonly step: Expr | null }
  | { readonly k: 'call'; readonly at: number; readonly fn: Expr; readonly args: readonly Arg[] }
  | { readonly k: 'bin'; readonly at: number; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'unary'; readonly at: number; readonly op: string; readonly e: Expr }
  | { readonly k: 'and' | 'or'; readonly at: number; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'cmp'; readonly at: number; readonly first: Expr; readonly ops: readonly string[]; readonly rest: readonly Expr[] }
  | { readonly k: 'ifexp'; readonly at: number; readonly test: Expr; readonly body: Expr; readonly orelse: Expr }
  | { readonly k: 'lambda'; readonly at: number; readonly fn: FunctionInfo }
  | { readonly k: 'list' | 'tuple' | 'set'; readonly at: number; readonly items: readonly Expr[] }
  | { readonly k: 'star'; readonly at: number; readonly e: Expr }
  | { readonly k: 'dict'; readonly at: number; readonly items: readonly (readonly [Expr | null, Expr])[] }
  | {
      readonly k: 'comp'; readonly at: number; readonly kind: 'list' | 'set' | 'gen' | 'dict';
      readonly elt: Expr; readonly value: Expr | null; readonly gens: readonly Generator[];
    };

/** One `for … in … if …` clause of a comprehension. */
export interface Generator {
  readonly target: Expr;
  readonly iter: Expr;
  readonly ifs: readonly Expr[];
}

/** A piece of an f-string: literal text or a replacement field. */
export type FPart = string | { readonly expr: Expr; readonly conv: string | null; readonly spec: readonly FPart[] | null; readonly debug: string | null };

/** One call argument. */
export interface Arg {
  readonly kind: 'pos' | 'star' | 'kw' | 'dstar';
  readonly name: string | null;
  readonly value: Expr;
}

/** One parameter of a def or lambda. */
export interface Param {
  readonly name: string;
  readonly kind: 'normal' | 'star' | 'dstar' | 'kwonly';
  readonly dflt: Expr | null;
}

/** What a def or lambda needs at call time: parameters, body and its scope analysis. */
export interface FunctionInfo {
  readonly name: string;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  /** Names bound in the body (locals), minus the global/nonlocal ones. */
  readonly locals: ReadonlySet<string>;
  readonly globals: ReadonlySet<string>;
  readonly nonlocals: ReadonlySet<string>;
  readonly at: number;
  /** True for a lambda: the body is one `return` statement. */
  readonly lambda: boolean;
  readonly docstring: string | null;
}

/** What the tracer reports about a simple statement, computed once at parse time. */
export interface TraceInfo {
  readonly line: number;
  readonly endLine: number;
  readonly text: string;
  readonly kind: 'assign' | 'augassign' | 'return' | 'expr' | 'other';
  /** Names the statement reads (each once, in source order). */
  readonly reads: readonly string[];
}

/** A statement node. Simple statements carry `trace`. */
export type Stmt =
  | { readonly k: 'expr'; readonly at: number; readonly trace: TraceInfo; readonly e: Expr }
  | { readonly k: 'assign'; readonly at: number; readonly trace: TraceInfo; readonly targets: readonly Expr[]; readonly value: Expr }
  | { readonly k: 'aug'; readonly at: number; readonly trace: TraceInfo; readonly target: Expr; readonly op: string; readonly value: Expr }
  | { readonly k: 'return'; readonly at: number; readonly trace: TraceInfo; readonly value: Expr | null }
  | { readonly k: 'pass' | 'break' | 'continue'; readonly at: number; readonly trace: TraceInfo }
  | { readonly k: 'global' | 'nonlocal'; readonly at: number; readonly trace: TraceInfo; readonly names: readonly string[] }
  | { readonly k: 'assert'; readonly at: number; readonly trace: TraceInfo; readonly test: Expr; readonly msg: Expr | null }
  | { readonly k: 'raise'; readonly at: number; readonly trace: TraceInfo; readonly exc: Expr | null; readonly cause: Expr | null }
  | { readonly k: 'del'; readonly at: number; readonly trace: TraceInfo; readonly targets: readonly Expr[] }
  | { readonly k: 'import'; readonly at: number; readonly trace: TraceInfo; readonly names: readonly { module: string; as: string | null }[] }
  | {
      readonly k: 'from'; readonly at: number; readonly trace: TraceInfo; readonly module: string;
      readonly names: readonly { name: string; as: string | null }[] | '*';
    }
  | { readonly k: 'if'; readonly at: number; readonly branches: readonly (readonly [Expr, readonly Stmt[]])[]; readonly orelse: readonly Stmt[] | null }
  | { readonly k: 'for'; readonly at: number; readonly target: Expr; readonly iter: Expr; readonly body: readonly Stmt[]; readonly orelse: readonly Stmt[] | null }
  | { readonly k: 'while'; readonly at: number; readonly test: Expr; readonly body: readonly Stmt[]; readonly orelse: readonly Stmt[] | null }
  | { readonly k: 'def'; readonly at: number; readonly fn: FunctionInfo; readonly decorators: readonly Expr[] }
  | { readonly k: 'class'; readonly at: number; readonly name: string; readonly bases: readonly Expr[]; readonly body: readonly Stmt[]; readonly decorators: readonly Expr[] }
  | {
      readonly k: 'try'; readonly at: number; readonly body: readonly Stmt[];
      readonly handlers: readonly { type: Expr | null; name: string | null; body: readonly Stmt[]; at: number }[];
      readonly orelse: readonly Stmt[] | null; readonly final: readonly Stmt[] | null;
    };

/** A parsed file: its statements plus what error messages need (the source and line starts). */
export interface Module {
  readonly body: readonly Stmt[];
  readonly source: string;
  readonly filename: string;
  readonly lineStarts: readonly number[];
}
