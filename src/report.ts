import type * as Sarif from 'sarif';
import * as path from 'node:path';
import type { FixResult } from './engine';
import type { Transform } from './types';

/**
 * What happened to one file: a result, the problem that stopped it, or why
 * a file a directory search found was passed over as not a Dockerfile.
 */
export interface FileOutcome {
  path: string;
  result?: FixResult;
  before?: string;
  problem?: string;
  skipped?: string;
}

/**
 * Where each transform's page lives, from the package's `homepage`: rules
 * link to `<homepage>/docs/transforms/<id>.md`. Without a homepage the rules
 * carry their help text only, rather than a link that goes nowhere.
 */
export function docsBase(homepage: string | undefined): string | undefined {
  return homepage ? `${homepage.replace(/\/+$/, '')}/blob/main/docs/transforms/` : undefined;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** One file's entry in `--format json`. */
export function outcomeJson(outcome: FileOutcome): object {
  if (outcome.skipped) return { path: outcome.path, skipped: outcome.skipped };
  if (outcome.problem || !outcome.result) return { path: outcome.path, error: outcome.problem };
  const { result } = outcome;
  return {
    path: outcome.path,
    changed: result.changed,
    changes: result.changes.map((c) => ({
      transform: c.transform,
      safety: c.safety,
      line: c.line,
      column: c.column,
      range: c.range,
      reason: c.message,
    })),
    notes: result.notes.map((n) => ({ transform: n.transform, line: n.line, reason: n.message })),
    layers: result.layers,
  };
}

/**
 * A SARIF 2.1.0 log as GitHub code scanning reads it: one rule per transform
 * with its docs page, one result per change at the input text it replaces.
 * Changes are `note`s: a bigger image is worth a look, not a failed check.
 * Files that could not be read become tool notifications.
 */
export function sarifLog(
  outcomes: FileOutcome[],
  transforms: readonly Transform[],
  version: string,
  homepage?: string,
): Sarif.Log {
  const base = docsBase(homepage);
  const rules: Sarif.ReportingDescriptor[] = transforms.map((t) => ({
    id: t.id,
    name: pascalCase(t.id),
    shortDescription: { text: t.title },
    fullDescription: { text: t.rationale },
    ...(base ? { helpUri: `${base}${t.id}.md` } : {}),
    help: { text: helpText(t), markdown: helpText(t) },
    defaultConfiguration: { level: 'note' },
    properties: { tags: ['dockerfile', 'image-size', t.safety], safety: t.safety },
  }));
  const results: Sarif.Result[] = outcomes.flatMap(({ path: file, result }) =>
    (result?.changes ?? []).map((c) => ({
      ruleId: c.transform,
      ruleIndex: transforms.findIndex((t) => t.id === c.transform),
      level: 'note' as const,
      message: { text: c.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(file), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: c.range.start.line,
              startColumn: c.range.start.column,
              endLine: c.range.end.line,
              endColumn: c.range.end.column,
            },
          },
        },
      ],
    })),
  );
  const notifications: Sarif.Notification[] = outcomes
    .filter((o) => o.problem || o.skipped)
    .map((o) => ({
      level: o.problem ? 'error' : 'note',
      message: {
        text: o.problem
          ? `${o.path}: ${o.problem}`
          : `${o.path}: skipped, not a Dockerfile: ${o.skipped}`,
      },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(o.path) } } }],
    }));
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: 'dslim',
            version,
            ...(homepage ? { informationUri: homepage } : {}),
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: !outcomes.some((o) => o.problem),
            toolExecutionNotifications: notifications,
          },
        ],
        results,
      },
    ],
  };
}

function helpText(t: Transform): string {
  const limits = t.limitations.map((l) => `- ${l}`).join('\n');
  return `${t.title}. ${t.rationale}${limits ? `\n\nLimitations:\n${limits}` : ''}`;
}

/** A relative path with forward slashes, as code scanning matches it to the repository. */
function artifactUri(file: string): string {
  const relative = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
