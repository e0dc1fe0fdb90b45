import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Advisory, SafetyClass, Transform } from './types';

/** Where the generated pages live, relative to the project root. */
export const DOCS_DIR = join('docs', 'transforms');

const SAFETY_TEXT: Record<SafetyClass, string> = {
  layout:
    'The image keeps the same files and configuration; only how they are split into layers changes. Runs by default.',
  cache:
    'Removes package-manager caches and nothing a program reads: the image runs the same way. Runs by default.',
  content:
    'Changes what gets installed. Off by default: it runs only when `--safety` includes `content`.',
};

const ADVICE_TEXT =
  'It reports, as a note at the instruction it is about, what would make the image or its build smaller outside the Dockerfile. It changes no byte of the Dockerfile, so it has no safety class and runs whatever `--safety` says. `dslim fix` runs it on files (not with `--stdin`, and the API does not: it reads the files around the Dockerfile).';

/**
 * Every docs page, by file name: one per transform and one per advice,
 * written from its metadata alone, and an index listing the transforms in
 * the order they run, then the advice.
 */
export function renderDocs(
  transforms: readonly Transform[],
  advisories: readonly Advisory[] = [],
): Map<string, string> {
  const pages = new Map<string, string>();
  for (const transform of transforms) pages.set(`${transform.id}.md`, renderPage(transform));
  for (const advice of advisories) pages.set(`${advice.id}.md`, renderAdvicePage(advice));
  pages.set('README.md', renderIndex(transforms, advisories));
  return pages;
}

function renderAdvicePage(a: Advisory): string {
  const out: string[] = [`# \`${a.id}\`: ${a.title}`, '', a.rationale, ''];
  out.push('## Kind', '', `\`advice\`. ${ADVICE_TEXT}`, '');
  out.push('## Acting on it', '', a.action, '');
  out.push('## What it reports', '');
  for (const template of Object.values(a.messages)) out.push(`- ${template}`);
  out.push('');
  out.push('## Limitations', '');
  if (a.limitations.length === 0) out.push('None known.');
  for (const limitation of a.limitations) out.push(`- ${limitation}`);
  out.push('');
  out.push('## Turning it off', '');
  out.push(
    `\`dslim fix --skip ${a.id}\` gives every other note and change but this one; so do \`skip: [${a.id}]\` in a configuration file and a \`# dslim-ignore ${a.id}\` comment on the lines directly above the instruction the note is about.`,
  );
  out.push('', GENERATED);
  return out.join('\n') + '\n';
}

function renderPage(t: Transform): string {
  const out: string[] = [`# \`${t.id}\`: ${t.title}`, '', t.rationale, ''];
  out.push('## Safety class', '', `\`${t.safety}\`: ${SAFETY_TEXT[t.safety]}`, '');

  out.push('## Options', '');
  const options = Object.entries(t.options);
  if (options.length === 0) out.push('None.', '');
  else {
    out.push('| option | default | choices | what it does |', '| --- | --- | --- | --- |');
    for (const [name, spec] of options) {
      const choices = spec.choices ? spec.choices.map((c) => `\`${c}\``).join(', ') : '';
      out.push(`| \`${name}\` | \`${String(spec.default)}\` | ${choices} | ${spec.description} |`);
    }
    out.push('');
  }

  for (const [i, example] of (t.examples ?? []).entries()) {
    out.push(i === 0 ? '## Example' : `## Example ${i + 1}`, '');
    if (example.options) out.push(`With options \`${JSON.stringify(example.options)}\`:`, '');
    out.push('Before:', '', '```dockerfile', example.before.trimEnd(), '```', '');
    out.push('After:', '', '```dockerfile', example.after.trimEnd(), '```', '');
  }

  out.push('## What it reports', '');
  for (const template of Object.values(t.messages)) out.push(`- ${template}`);
  out.push('');

  out.push('## Limitations', '');
  if (t.limitations.length === 0) out.push('None known.');
  for (const limitation of t.limitations) out.push(`- ${limitation}`);
  out.push('');

  out.push('## Turning it off', '');
  out.push(`\`dslim fix --skip ${t.id}\` runs every other transform but this one.`);
  if (t.safety === 'content') out.push('', 'It is off unless `--safety` includes `content`.');
  out.push('', GENERATED);
  return out.join('\n') + '\n';
}

function renderIndex(transforms: readonly Transform[], advisories: readonly Advisory[]): string {
  const out = ['# Transforms', '', 'In the order they run.', ''];
  out.push('| id | safety | what it does |', '| --- | --- | --- |');
  for (const t of transforms)
    out.push(`| [\`${t.id}\`](${t.id}.md) | \`${t.safety}\` | ${t.title} |`);
  if (advisories.length > 0) {
    out.push('', '## Advice', '', `Class \`advice\`. ${ADVICE_TEXT}`, '');
    out.push('| id | what it does |', '| --- | --- |');
    for (const a of advisories) out.push(`| [\`${a.id}\`](${a.id}.md) | ${a.title} |`);
  }
  out.push('', GENERATED);
  return out.join('\n') + '\n';
}

const GENERATED =
  '<!-- Generated from the transform metadata by `npm run docs`; edit the transform, not this page. -->';

/** Rewrites the docs folder under `root` so it holds exactly the pages of `renderDocs`. */
export function writeDocs(
  root: string,
  transforms: readonly Transform[],
  advisories: readonly Advisory[] = [],
): string[] {
  const dir = join(root, DOCS_DIR);
  mkdirSync(dir, { recursive: true });
  const pages = renderDocs(transforms, advisories);
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.md') && !pages.has(name)) rmSync(join(dir, name));
  }
  for (const [name, text] of pages) writeFileSync(join(dir, name), text);
  return [...pages.keys()];
}
