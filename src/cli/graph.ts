/** `tapegrad graph chain|curve|mlp --format svg|dot|mermaid --out FILE [--highlight-bug] [--json]`: draw a seed model's graph. */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { verifyGradients } from '../check/verify.js';
import type { Tensor } from '../tensor.js';
import { graphToDot } from '../viz/dot.js';
import { GRAPH_EXAMPLES } from '../viz/examples.js';
import type { GraphExample } from '../viz/examples.js';
import { buildGraph } from '../viz/graph.js';
import type { GraphOptions } from '../viz/graph.js';
import { graphToMermaid } from '../viz/mermaid.js';
import type { ReportLike } from '../viz/report.js';
import { dotToSvg } from '../viz/svg.js';

const FORMATS = ['svg', 'dot', 'mermaid'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: tapegrad graph <${Object.keys(GRAPH_EXAMPLES).join('|')}> [--format svg|dot|mermaid] [--out FILE]
                     [--highlight-bug] [--formulas] [--max-nodes N] [--json]
  chain  seed 000's scalar chain z1=w1·x1, a1=σ(z1), z2=w2·a1, ŷ=σ(z2), J=½(ŷ−y)²
  curve  seed 004's 1-6-7-2 curve network
  mlp    seed 000's 784-128-10 MLP (one batch of 8)
  --highlight-bug  check a hand formula with one planted slip (verifyGradients) and mark it in red
  Without --out the picture goes to standard output; the format defaults to the file's extension, else dot.`;

interface Args {
  example: string;
  format: Format;
  out: string | null;
  highlightBug: boolean;
  formulas: boolean;
  maxNodes: number | undefined;
  json: boolean;
}

function parse(args: string[]): Args | string {
  let example: string | undefined, format: string | undefined, out: string | null = null, maxNodes: number | undefined;
  let highlightBug = false, formulas = false, json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`tapegrad graph: ${a} needs a value`);
      return v;
    };
    if (a === '--format') format = value();
    else if (a === '--out' || a === '-o') out = value();
    else if (a === '--max-nodes') maxNodes = Number(value());
    else if (a === '--highlight-bug') highlightBug = true;
    else if (a === '--formulas') formulas = true;
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) return `unknown flag '${a}'`;
    else if (example === undefined) example = a;
    else return `unexpected argument '${a}'`;
  }
  if (example === undefined) return 'which example? (chain, curve or mlp)';
  if (!(example in GRAPH_EXAMPLES)) return `unknown example '${example}' (expected ${Object.keys(GRAPH_EXAMPLES).join(', ')})`;
  const fromExt = out === null ? undefined : ({ '.svg': 'svg', '.dot': 'dot', '.gv': 'dot', '.mmd': 'mermaid', '.md': 'mermaid' } as Record<string, string>)[extname(out)];
  const chosen = format ?? fromExt ?? 'dot';
  if (!(FORMATS as readonly string[]).includes(chosen)) return `unknown format '${chosen}' (expected svg, dot or mermaid)`;
  if (maxNodes !== undefined && !(Number.isInteger(maxNodes) && maxNodes >= 4)) return '--max-nodes must be an integer ≥ 4';
  return { example, format: chosen as Format, out, highlightBug, formulas, maxNodes, json };
}

/** verifyGradients of the example's hand formulas (with the planted slip): manual vs autodiff vs finite differences. */
function plantedReport(ex: GraphExample): ReportLike & { toString(): string } {
  return verifyGradients({ params: ex.params, loss: ex.loss, manual: ex.manual });
}

/** Runs the command; returns the exit status. */
export async function run(args: string[]): Promise<number> {
  let parsed: Args | string;
  try {
    parsed = parse(args);
  } catch (e) {
    parsed = e instanceof Error ? e.message : String(e);
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    console.error(`tapegrad graph: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  const ex = GRAPH_EXAMPLES[parsed.example]!(parsed.highlightBug);
  const options: GraphOptions = { formulas: parsed.formulas, title: ex.title };
  if (parsed.maxNodes !== undefined) options.maxNodes = parsed.maxNodes;
  const messages: string[] = [];
  let failing: string[] = [];
  if (parsed.highlightBug) {
    const report = plantedReport(ex);
    options.highlight = report;
    failing = (report.params ?? []).filter((e) => !e.ok).map((e) => e.name);
    messages.push(`planted slip: ${ex.plantedBug}`, report.toString());
  }
  const loss: Tensor = ex.loss(ex.params);
  const graph = buildGraph(loss, options);
  // A Markdown file gets a fenced block, so GitHub and most doc sites render it as a diagram.
  const mermaid = (): string => (parsed.out?.endsWith('.md') === true ? `\`\`\`mermaid\n${graphToMermaid(graph)}\`\`\`\n` : graphToMermaid(graph));
  const text = parsed.format === 'mermaid' ? mermaid()
    : parsed.format === 'dot' ? graphToDot(graph) : await dotToSvg(graphToDot(graph));
  const log = parsed.out === null ? console.error : console.log;
  for (const m of messages) log(m);
  if (parsed.out === null) process.stdout.write(text);
  else {
    writeFileSync(parsed.out, text);
    log(`wrote ${parsed.out}: ${parsed.format}, ${graph.nodes.length} nodes, ${graph.edges.length} edges` +
      (failing.length > 0 ? `, marked in red: ${failing.join(', ')}` : ''));
  }
  if (parsed.json) {
    console.log(JSON.stringify({
      example: parsed.example, format: parsed.format, out: parsed.out, nodes: graph.nodes.length, edges: graph.edges.length,
      notes: graph.notes, highlighted: failing,
    }));
  }
  return 0;
}
