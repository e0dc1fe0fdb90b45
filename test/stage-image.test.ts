import { DockerDocument } from '../src/document';
import { possibleLineage } from '../src/stage-paths';
import { lines } from './harness';

/** The image and `anyStage` of the last stage of a file. */
function lastImage(...text: string[]): [string, boolean] {
  const doc = new DockerDocument(lines(...text));
  const stage = doc.stages[doc.stages.length - 1];
  return [stage.image, stage.anyStage];
}

describe('Stage.image', () => {
  test.each([
    ['an ARG default', ['ARG BASE=deps', 'FROM $BASE'], 'deps', false],
    ['a chain of ARGs', ['ARG A=deps', 'ARG B=$A', 'FROM ${B}'], 'deps', false],
    [
      'a chain with text around',
      ['ARG A=golang', 'ARG B=${A}:1.22', 'FROM $B'],
      'golang:1.22',
      false,
    ],
    ['a later ARG redeclares', ['ARG A=x', 'ARG A=y', 'FROM $A'], 'y', false],
    ['a double-quoted default', ['ARG A=deps', 'ARG B="${A}"', 'FROM $B'], 'deps', false],
    ['`:-` on an empty default', ['ARG A=', 'ARG B=${A:-deps}', 'FROM $B'], 'deps', false],
    ['`:+` on a set default', ['ARG A=1', 'ARG B=${A:+deps}', 'FROM $B'], 'deps', false],
    ['an ARG without a default', ['ARG BASE', 'FROM $BASE'], '$BASE', true],
    ['a chain through an ARG without a default', ['ARG A', 'ARG B=$A', 'FROM $B'], '$B', true],
    ['an ARG used before it is declared', ['ARG B=$A', 'ARG A=deps', 'FROM $B'], '$B', true],
    ['a variable in the tag only', ['ARG V', 'FROM golang:${V}'], 'golang:${V}', false],
    ['a variable registry', ['ARG R', 'FROM ${R}/golang:1.22'], '${R}/golang:1.22', false],
    ['a suffix that a stage name may have', ['ARG V', 'FROM build-${V}'], 'build-${V}', true],
    [
      'an ARG of a stage does not reach a FROM',
      ['FROM debian AS a', 'ARG X=a', 'FROM $X'],
      '$X',
      true,
    ],
    ['a FROM with a flag', ['ARG A=deps', 'FROM --platform=$BUILDPLATFORM $A'], 'deps', false],
  ])('%s', (_, text, image, anyStage) => {
    expect(lastImage(...text)).toEqual([image, anyStage]);
  });
});

describe('possibleLineage', () => {
  test('a FROM through an ARG without a default may build on any stage before it', () => {
    const doc = new DockerDocument(
      lines('FROM debian AS a', 'FROM debian AS b', 'ARG BASE', 'FROM $BASE AS c', 'FROM c'),
    );
    const names = possibleLineage(doc, doc.stages[3]).map((s) => s.name ?? String(s.index));
    expect(names).toEqual(['3', 'c', 'b', 'a']);
  });

  test('a FROM that names a stage through ARG defaults builds on that one only', () => {
    const doc = new DockerDocument(
      lines('ARG A=a', 'ARG B=$A', 'FROM debian AS a', 'FROM debian AS b', 'FROM $B'),
    );
    const names = possibleLineage(doc, doc.stages[2]).map((s) => s.name ?? String(s.index));
    expect(names).toEqual(['2', 'a']);
  });
});
