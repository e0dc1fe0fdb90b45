import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafetyClass, Transform } from './types';

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

/**
 * Every docs page, by file name: one per transform, written from its
 * metadata alone, and an index listing them in the order they run.
 */
export function renderDocs(transforms: readonly Transform[]): Map<string, string> {
  const pages = new Map<string, string>();
  for (const transform of transforms) pages.set(`${transform.id}.md`, renderPage(transform));
  pages.set('README.md', renderIndex(transforms));
  return pages;
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

function renderIndex(transforms: readonly Transform[]): string {
  const out = ['# Transforms', '', 'In the order they run.', ''];
  out.push('| id | safety | what it does |', '| --- | --- | --- |');
  for (const t of transforms)
    out.push(`| [\`${t.id}\`](${t.id}.md) | \`${t.safety}\` | ${t.title} |`);
  out.push('', GENERATED);
  return out.join('\n') + '\n';
}

const GENERATED =
  '<!-- Generated from the transform metadata by `npm run docs`; edit the transform, not this page. -->';

/** Rewrites the docs folder under `root` so it holds exactly the pages of `renderDocs`. */
export function writeDocs(root: string, transforms: readonly Transform[]): string[] {
  const dir = join(root, DOCS_DIR);
  mkdirSync(dir, { recursive: true });
  const pages = renderDocs(transforms);
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.md') && !pages.has(name)) rmSync(join(dir, name));
  }
  for (const [name, text] of pages) writeFileSync(join(dir, name), text);
  return [...pages.keys()];
}
