import type { Shape } from './shape';

/** The parts of an image config that decide how a container runs. */
export interface RunConfig {
  user: string;
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workdir: string;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string;
}

/** One build step as the image history records it. */
export interface HistoryStep {
  /** The instruction, as near to the Dockerfile's text as the history allows. */
  instruction: string;
  /** The step made no layer (ENV, LABEL, CMD, ...). */
  empty: boolean;
}

/** An image config JSON as dslim reads it (Docker and OCI share the fields). */
export interface RawConfig {
  config?: {
    User?: string;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, unknown> | null;
    Volumes?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
    StopSignal?: string;
  };
  history?: { created_by?: string; empty_layer?: boolean }[] | null;
}

const STRINGS: Shape = { orNull: { list: 'string' } };
const SET: Shape = { orNull: { record: 'any' } };

/** The shape of `RawConfig`, checked as the config is read (see `checkShape`). */
export const CONFIG_SHAPE: Shape = {
  fields: {
    config: {
      orNull: {
        fields: {
          User: 'string',
          Env: STRINGS,
          Entrypoint: STRINGS,
          Cmd: STRINGS,
          WorkingDir: 'string',
          ExposedPorts: SET,
          Volumes: SET,
          Labels: { orNull: { record: 'string' } },
          StopSignal: 'string',
        },
      },
    },
    history: { orNull: { list: { fields: { created_by: 'string', empty_layer: 'boolean' } } } },
  },
};

/** Reads the run settings from an image config JSON (Docker and OCI share the fields). */
export function runConfig(raw: RawConfig): RunConfig {
  const c = raw.config ?? {};
  return {
    user: c.User ?? '',
    env: c.Env ?? [],
    entrypoint: c.Entrypoint ?? null,
    cmd: c.Cmd ?? null,
    workdir: c.WorkingDir ?? '',
    exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
    volumes: Object.keys(c.Volumes ?? {}).sort(),
    labels: c.Labels ?? {},
    stopSignal: c.StopSignal ?? '',
  };
}

/** The build steps of an image config's history, oldest first. */
export function historySteps(raw: RawConfig): HistoryStep[] {
  const history = raw.history ?? [];
  return history.map((h) => ({
    instruction: instructionText(h.created_by ?? ''),
    empty: h.empty_layer === true,
  }));
}

/**
 * Turns a history `created_by` back into an instruction. The classic builder
 * and buildah write `/bin/sh -c #(nop) ENV A=1` for steps without a command
 * and `/bin/sh -c make` for RUN; BuildKit writes `RUN /bin/sh -c make # buildkit`.
 */
export function instructionText(createdBy: string): string {
  let text = createdBy.trim().replace(/\s*# buildkit$/, '');
  text = text.replace(/^\|\d+(\s+\S+=\S*)*\s+(?=\/bin\/sh -c )/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s*(.*)$/s.exec(text);
  if (nop) return nop[1].trim();
  const run = /^(?:RUN\s+)?\/bin\/sh -c (.*)$/s.exec(text);
  if (run) return `RUN ${run[1].trim()}`;
  return text;
}

/** The instruction keyword of a step: `RUN`, `COPY`, ... */
export function keywordOf(step: HistoryStep | undefined): string {
  return /^[A-Za-z]+/.exec(step?.instruction ?? '')?.[0].toUpperCase() ?? '';
}
