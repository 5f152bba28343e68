/** `tapegrad graph chain|curve|mlp --out FILE.svg|.png|.dot|.mmd [--highlight-bug] [--json]`: draw a seed model's graph. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
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
import { runCommand, UsageError, type CommandSpec, type ParsedArgs } from './flags.js';

const FORMATS = ['svg', 'png', 'dot', 'mermaid'] as const;
type Format = (typeof FORMATS)[number];

/** Output file extensions and the format each one means. */
const EXTENSIONS: Record<string, Format> = { '.svg': 'svg', '.png': 'png', '.dot': 'dot', '.gv': 'dot', '.mmd': 'mermaid', '.md': 'mermaid' };

/** `tapegrad graph`'s command line. */
export const GRAPH_SPEC: CommandSpec = {
  name: 'graph',
  summary: 'Draw a seed model\'s computational graph with values and gradients.',
  positionals: [{
    name: 'example', choices: Object.keys(GRAPH_EXAMPLES),
    help: [
      '  chain  seed 000\'s scalar chain z1=w1·x1, a1=σ(z1), z2=w2·a1, ŷ=σ(z2), J=½(ŷ−y)²',
      '  curve  seed 004\'s 1-6-7-2 curve network',
      '  mlp    seed 000\'s 784-128-10 MLP on 8 random stand-in images (not MNIST)',
    ].join('\n'),
  }],
  flags: [
    { name: 'out', short: 'o', kind: 'string', value: 'FILE', help: 'write here (folders created); the extension picks the format: .svg .png .dot/.gv .mmd/.md' },
    { name: 'format', kind: 'choice', choices: FORMATS, help: 'the format for standard output (default dot); with --out it must match the extension' },
    { name: 'highlight-bug', kind: 'boolean', help: 'check a hand formula with one planted slip (verifyGradients) and mark it in red' },
    { name: 'formulas', kind: 'boolean', help: 'label edges with each local derivative\'s formula' },
    { name: 'max-nodes', kind: 'integer', min: 4, help: 'collapse the graph beyond this many nodes' },
    { name: 'json', kind: 'boolean', help: 'print one JSON object (what was drawn) on the last line' },
  ],
  notes: ['Without --out the picture goes to standard output (png needs --out).'],
};

interface Args {
  example: string;
  format: Format;
  out: string | null;
  highlightBug: boolean;
  formulas: boolean;
  maxNodes: number | undefined;
  json: boolean;
}

/** Checks the flags together: the output's extension decides its format, or the file is refused. */
function resolveArgs({ positionals, flags }: ParsedArgs): Args {
  const out = (flags.get('out') as string | undefined) ?? null;
  const asked = flags.get('format') as Format | undefined;
  let format: Format = asked ?? 'dot';
  if (out !== null) {
    const ext = extname(out).toLowerCase();
    const fromExt = EXTENSIONS[ext];
    if (fromExt === undefined) {
      throw new UsageError(`--out ${out}: ${ext === '' ? 'no extension' : `unknown extension ${ext}`}; use one of ${Object.keys(EXTENSIONS).join(' ')}`);
    }
    if (asked !== undefined && asked !== fromExt) throw new UsageError(`--format ${asked} contradicts --out ${out} (a ${fromExt} file)`);
    format = fromExt;
  } else if (format === 'png') {
    throw new UsageError('--format png needs --out FILE.png (a PNG is not written to a terminal)');
  }
  return {
    example: positionals[0]!, format, out, highlightBug: flags.has('highlight-bug'), formulas: flags.has('formulas'),
    maxNodes: flags.get('max-nodes') as number | undefined, json: flags.has('json'),
  };
}

/**
 * Rasterises an SVG to PNG with resvg (an npm package with a prebuilt binary, no download). Text
 * uses the system's fonts; where the SVG's family is missing, DejaVu Sans or the first font found.
 * @example
 * ```ts
 * writeFileSync('g.png', await svgToPng(svg));
 * ```
 */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** verifyGradients of the example's hand formulas (with the planted slip): manual vs autodiff vs finite differences. */
function plantedReport(ex: GraphExample): ReportLike & { toString(): string } {
  return verifyGradients({ params: ex.params, loss: ex.loss, manual: ex.manual });
}

/**
 * Runs \`tapegrad graph\`; returns the exit status (0 drawn, 1 could not write, 2 bad usage).
 * @example
 * ```ts
 * await run(['chain', '--out', 'chain.svg']);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  return runCommand(GRAPH_SPEC, args, async (parsedArgs) => draw(resolveArgs(parsedArgs)));
}

async function draw(parsed: Args): Promise<number> {
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
  const text: string | Uint8Array = parsed.format === 'mermaid' ? mermaid()
    : parsed.format === 'dot' ? graphToDot(graph)
      : parsed.format === 'svg' ? await dotToSvg(graphToDot(graph)) : await svgToPng(await dotToSvg(graphToDot(graph)));
  const log = parsed.out === null ? console.error : console.log;
  for (const m of messages) log(m);
  if (parsed.out === null) process.stdout.write(text);
  else {
    try {
      mkdirSync(dirname(resolve(parsed.out)), { recursive: true });
      writeFileSync(parsed.out, text);
    } catch (e) {
      console.error(`tapegrad graph: cannot write ${parsed.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 1;
    }
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
