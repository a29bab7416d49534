// `fast-litellm status`: what is installed in this project against the supported ranges, and what the
// shim would accelerate or skip there, and why. Reads files only (nothing from the project runs).
import { relative } from 'node:path';
import { helpText, parseArgs, stdio, UsageError, type CommandHelp, type OptSpec, type Out } from './args';
import { exitCodesText, EXIT } from './exit-codes';
import { inspectProject, type ProjectReport, type RowReport } from './project';
import { version } from './version';

export const STATUS_SPEC = {
  dir: { kind: 'string', arg: 'path', help: 'project directory to inspect', shownDefault: 'the working directory' },
  json: { kind: 'boolean', help: 'print only the JSON document on stdout' },
  help: { kind: 'boolean', help: 'show this help' },
} satisfies Record<string, OptSpec>;

export const STATUS_HELP: CommandHelp = {
  usage: 'fast-litellm status [--dir <path>] [--json]',
  summary:
    'Shows the litellm, openai and @anthropic-ai/sdk versions installed in the project (as Node would resolve them\n' +
    'from its directory, and from litellm), the versions fast-litellm supports, and which patch rows would be\n' +
    'accelerated or skipped there, and why. Nothing from the project is run: `doctor` runs a self-test.',
  examples: [
    'npx fast-litellm status',
    'npx fast-litellm status --json > status.json',
    'npx fast-litellm status --dir ../my-app',
  ],
};


function copyText(p: ProjectReport['packages'][number], dir: string): string {
  if (p.copies.length === 0) return 'not installed';
  return p.copies
    .map((c) => `${c.version}${c.from === 'litellm' ? ' (litellm\'s copy)' : ''}${p.copies.length > 1 ? ` in ${relative(dir, c.dir) || '.'}` : ''}`)
    .join(', ');
}

function grouped(rows: RowReport[], key: (r: RowReport) => string): Map<string, RowReport[]> {
  const m = new Map<string, RowReport[]>();
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
}

/** `head` (padded to `indent`) then the items, wrapped at ~110 columns under the first item. */
export function wrapList(head: string, items: string[], indent: number, width = 110): string[] {
  const lines: string[] = [];
  let line = head.padEnd(indent);
  let fresh = true;
  items.forEach((item, i) => {
    const piece = item + (i < items.length - 1 ? ',' : '');
    if (!fresh && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = ' '.repeat(indent);
      fresh = true;
    }
    line += (fresh ? '' : ' ') + piece;
    fresh = false;
  });
  lines.push(line);
  return lines;
}

/** Row ids, or 'all N rows of <package>' when a reason covers every row of one package. */
function rowsText(rs: RowReport[], all: RowReport[]): string[] {
  const pkgs = [...new Set(rs.map((r) => r.package))];
  return pkgs.flatMap((p) => {
    const mine = rs.filter((r) => r.package === p);
    const total = all.filter((r) => r.package === p && r.verdict !== 'other-version').length;
    return mine.length === total && total > 3 ? [`all ${total} ${p} rows`] : mine.map((r) => r.id);
  });
}

export function renderStatus(rep: ProjectReport): string {
  const out: string[] = [`fast-litellm ${version()} in ${rep.dir}`, ''];
  const w = Math.max(...rep.packages.map((p) => p.name.length), 7);
  const installed = rep.packages.map((p) => copyText(p, rep.dir));
  const iw = Math.max(...installed.map((s) => s.length), 9);
  out.push(`  ${'package'.padEnd(w)}  ${'installed'.padEnd(iw)}  supported`);
  rep.packages.forEach((p, i) => {
    const mark = p.copies.length === 0 || p.ok ? '' : '  <- unsupported';
    out.push(`  ${p.name.padEnd(w)}  ${installed[i].padEnd(iw)}  ${p.supported.join(' || ')}${mark}`);
  });
  if (!rep.config.ok) out.push('', `Configuration: cannot be read: ${rep.config.error}`);
  const accelerated = rep.rows.filter((r) => r.verdict === 'accelerated');
  const skipped = rep.rows.filter((r) => r.verdict === 'skipped');
  const relevant = rep.rows.filter((r) => r.verdict !== 'other-version').length;
  out.push('', `Would be accelerated (${accelerated.length} of ${relevant} patch rows):`);
  if (accelerated.length === 0) out.push('  nothing');
  const groups = grouped(accelerated, (r) => r.feature);
  const heads = [...groups].map(([feature, rs]) => `  ${feature}${rs[0].mode === 'on' ? '' : ` (${rs[0].mode})`}`);
  const fw = Math.max(...heads.map((h) => h.length)) + 2;
  [...groups.values()].forEach((rs, i) => out.push(...wrapList(heads[i], rs.map((r) => r.id), fw)));
  if (skipped.length) {
    out.push('', `Skipped (${skipped.length}):`);
    for (const [reason, rs] of grouped(skipped, (r) => r.reason ?? '')) {
      out.push(...wrapList('  -', rowsText(rs, rep.rows), 4), `    because ${reason}`);
    }
  }
  out.push('', 'Start your app with `node --import fast-litellm/register app.js`; `fast-litellm doctor` runs a self-test.');
  return out.join('\n');
}

export async function statusCommand(
  argv: string[],
  io: Out = stdio,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { opts, positionals } = parseArgs(argv, STATUS_SPEC, 'status');
  if (opts.help) {
    io.out(helpText(STATUS_HELP, STATUS_SPEC, exitCodesText(['ok', 'failure'])) + '\n');
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`, 'status');
  const rep = inspectProject(opts.dir ?? process.cwd(), env);
  if (opts.json) io.out(JSON.stringify({ tool: 'fast-litellm status', version: version(), node: process.version, ...rep }, null, 2) + '\n');
  else io.out(renderStatus(rep) + '\n');
  return EXIT.ok;
}
