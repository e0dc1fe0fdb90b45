import fc from 'fast-check';
import { DockerDocument } from '../src/document';
import { fix } from '../src/index';
import { shellAccepts, shellRuns } from './shared';

/**
 * Generates Dockerfiles from the ingredients that broke other tools
 * (heredocs, continuations, comments, CRLF, BOM, escape directives, flags,
 * exec form, shell state) and checks what must hold for any input.
 */

const commands = fc.constantFrom(
  'apt-get update',
  'apt-get install -y curl',
  'apk add --no-cache git',
  'cd /opt && make',
  'export A=1',
  'set -eux',
  'echo "$A"',
  'make # build it',
  'a || true',
  'a; b;',
  'sleep 1 &',
  'for f in *; do echo $f; done',
  'if [ -f x ]; then rm x; fi',
  'pip install requests',
  'rm -rf /tmp/*',
  'f() { echo hi; }; f',
  'umask 077',
  'x=$(cd /; ls)',
);

type Piece = (eol: string, escape: string) => string;

const run: fc.Arbitrary<Piece> = fc
  .tuple(fc.array(commands, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
  .map(([parts, multiline, mount]) => (eol, escape) => {
    const flags = mount ? '--mount=type=cache,target=/root/.cache ' : '';
    const joint = multiline ? ` && ${escape}${eol}    ` : ' && ';
    return `RUN ${flags}${parts.join(joint)}`;
  });

const other: fc.Arbitrary<Piece> = fc.constantFrom<Piece>(
  () => 'ENV PATH=/opt/bin:$PATH',
  () => 'ARG VERSION=1',
  () => 'WORKDIR /srv',
  () => 'USER nobody',
  () => 'COPY . /srv/',
  () => 'LABEL a=1',
  () => 'LABEL maintainer Some One',
  () => 'EXPOSE 8080',
  () => 'RUN ["sh", "-c", "echo exec"]',
  (eol) => `RUN <<EOF${eol}echo in heredoc${eol}rm -rf /x${eol}EOF`,
  (eol) => `RUN <<-EOT${eol}\techo tabbed${eol}\tEOT`,
  (eol, escape) => `RUN ${escape}${eol}    # comment inside${eol}    ls`,
  () => '# a comment',
  () => '# hadolint ignore=DL3059',
  () => '',
  () => 'ONBUILD RUN echo later',
  () => 'CMD ["sh"]',
  () => 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
);

const dockerfile = fc
  .record({
    bom: fc.boolean(),
    crlf: fc.boolean(),
    backtick: fc.boolean(),
    finalNewline: fc.boolean(),
    stages: fc.array(fc.array(fc.oneof(run, run, other), { maxLength: 8 }), {
      minLength: 1,
      maxLength: 3,
    }),
  })
  .map(({ bom, crlf, backtick, finalNewline, stages }) => {
    const eol = crlf ? '\r\n' : '\n';
    const escape = backtick ? '`' : '\\';
    const lines = backtick ? ['# escape=`'] : [];
    stages.forEach((pieces, i) => {
      lines.push(`FROM debian:bookworm-slim AS stage${i}`);
      lines.push(...pieces.map((piece) => piece(eol, escape)));
    });
    return (bom ? '\ufeff' : '') + lines.join(eol) + (finalNewline ? eol : '');
  });

/** Instructions no default transform may touch, as written. */
function untouched(text: string): string[] {
  const doc = new DockerDocument(text);
  const kept = new Set(['ENV', 'ARG', 'WORKDIR', 'USER', 'EXPOSE', 'ONBUILD', 'CMD', 'SHELL']);
  return doc.instructions
    .filter((i) => kept.has(i.keyword) || (i.keyword === 'RUN' && (i.execForm || i.opaque)))
    .map((i) => doc.text.slice(i.span.start, i.span.end));
}

test('generated Dockerfiles: no crash, a fixed point, untouched bytes kept', async () => {
  await fc.assert(
    fc.asyncProperty(dockerfile, async (input) => {
      const result = await fix(input);
      const again = await fix(result.output);
      expect(again.output).toBe(result.output);

      expect(untouched(result.output)).toEqual(untouched(input));
      expect(result.output.startsWith('\ufeff')).toBe(input.startsWith('\ufeff'));
      expect(result.output.endsWith('\n')).toBe(input.endsWith('\n'));
      if (input.includes('\r\n')) expect(result.output.replace(/\r\n/g, '')).not.toContain('\n');
      if (shellRuns(input).every(shellAccepts)) {
        expect(shellRuns(result.output).filter((s) => !shellAccepts(s))).toEqual([]);
      }
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
  );
}, 120_000);
