/*
 * The shapes of the JSON files an image is made of, as far as dslim reads
 * them. An image comes from anywhere: a file of another shape is bad input,
 * said in one line that names the file and the field, never a stack trace
 * from code that trusted it. Fields dslim does not read are not checked.
 */

import { InputError } from '../engine';
import type { ImageStore } from './archive';

/** What a JSON value must be. */
export type Shape =
  | 'string'
  | 'boolean'
  | 'any'
  | { orNull: Shape }
  /** A list of values of one shape; `empty` says why an empty one is wrong, when it is. */
  | { list: Shape; empty?: string }
  /** An object whose values all have one shape (`Labels`). */
  | { record: Shape }
  /** An object with these fields, each optional unless `required`. */
  | { fields: Record<string, Shape>; required?: string[] };

/**
 * Why `value` is not of `shape`, as the end of a sentence about a file
 * (`is null, not an object`; ``has `manifests[0].digest` as a number, not a
 * string``), or null when it is.
 */
export function shapeProblem(value: unknown, shape: Shape, at = ''): string | null {
  const subject = at ? `has \`${at}\` as` : 'is';
  const wrong = (expected: string) => `${subject} ${describe(value)}, not ${expected}`;
  if (shape === 'any') return null;
  if (shape === 'string' || shape === 'boolean')
    return typeof value === shape ? null : wrong(`a ${shape}`);
  if ('orNull' in shape) return value === null ? null : shapeProblem(value, shape.orNull, at);
  if ('list' in shape) {
    if (!Array.isArray(value)) return wrong('a list');
    if (value.length === 0 && shape.empty) return `${subject} an empty list: ${shape.empty}`;
    return firstProblem(value.map((item, i) => shapeProblem(item, shape.list, `${at}[${i}]`)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return wrong('an object');
  const object = value as Record<string, unknown>;
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if ('record' in shape) {
    return firstProblem(
      Object.entries(object).map(([name, item]) => shapeProblem(item, shape.record, field(name))),
    );
  }
  const absent = shape.required?.find((name) => object[name] === undefined);
  if (absent) return `has no \`${field(absent)}\``;
  return firstProblem(
    Object.entries(shape.fields).map(([name, fieldShape]) =>
      object[name] === undefined ? null : shapeProblem(object[name], fieldShape, field(name)),
    ),
  );
}

function firstProblem(problems: (string | null)[]): string | null {
  return problems.find((p) => p !== null) ?? null;
}

/** A JSON value's kind, as a message names it: `null`, `a number`, `an empty list`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * `value`, read from the image at `where`, once it is of `shape`; else bad
 * input: `where: LABEL is null, not an object`. `label` names the file.
 */
export function checkShape<T>(value: unknown, shape: Shape, where: string, label: string): T {
  const problem = shapeProblem(value, shape);
  if (problem !== null) throw new InputError(`${where}: ${label} ${problem}`);
  return value as T;
}

/** The JSON file `name` of the store, of `shape` (see `checkShape`); bad input when it is missing. */
export async function readShaped<T>(
  store: ImageStore,
  name: string,
  shape: Shape,
  where: string,
  label: string,
): Promise<T> {
  const value = await store.json(name);
  if (value === undefined) throw new InputError(`${where}: ${label} is missing`);
  return checkShape<T>(value, shape, where, label);
}
