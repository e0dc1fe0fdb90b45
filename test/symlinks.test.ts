import { DockerDocument } from '../src/document';
import { loadShellParser } from '../src/shell';
import { linksMadeBefore, namesThroughLinks } from '../src/symlinks';

beforeAll(loadShellParser);

/** The names `path` has through the links the file's last stage makes before its last RUN. */
function names(path: string, ...runs: string[]): string[] | string {
  const doc = new DockerDocument(['FROM debian', ...runs, 'RUN true', ''].join('\n'));
  const stage = doc.stages[doc.stages.length - 1];
  const last = stage.instructions[stage.instructions.length - 1];
  const found = namesThroughLinks(path, linksMadeBefore(doc, stage, last.index));
  return 'unplaced' in found ? found.unplaced : found.names.sort();
}

describe('namesThroughLinks', () => {
  test.each<[string, string, string[], string[] | string]>([
    ['no link', '/tmp/f', ['RUN ln /tmp/f /hard'], ['/tmp/f']],
    ['a link to a directory above', '/tmp/f', ['RUN ln -sT /tmp /link'], ['/link/f', '/tmp/f']],
    [
      'a link that may be put inside an existing directory',
      '/tmp/f',
      ['RUN ln -s /tmp /link'],
      ['/link', '/tmp/f'],
    ],
    ['a link the path runs through', '/link/f', ['RUN ln -sfT /tmp /link'], ['/link/f', '/tmp/f']],
    [
      'a link to a directory below (and back)',
      '/tmp',
      ['RUN ln -sT /tmp/d /d'],
      ['/d', '/tmp', '/tmp/d'],
    ],
    ['a relative target', '/usr/lib/f', ['RUN ln -sT usr/lib /mylib'], ['/mylib/f', '/usr/lib/f']],
    ['-t', '/opt/a/f', ['RUN ln -s -t /usr/local /opt/a'], ['/opt/a/f', '/usr/local/a/f']],
    ['cp -s', '/opt/a', ['RUN cp -s /opt/a /srv/a'], ['/opt/a', '/srv/a']],
    [
      'a link moved',
      '/tmp/f',
      ['RUN ln -sT /tmp /l1 && mv -T /l1 /l2'],
      ['/l1/f', '/l2/f', '/tmp/f'],
    ],
    [
      'a link copied with cp -a',
      '/tmp/f',
      ['RUN ln -sT /tmp /l1', 'RUN cp -a /l1 /srv/'],
      ['/l1/f', '/srv', '/tmp/f'],
    ],
    [
      'a link of other paths',
      '/tmp/f',
      ['RUN ln -sf /usr/bin/python3 /usr/bin/python'],
      ['/tmp/f'],
    ],
    [
      'a link to a variable elsewhere',
      '/tmp/f',
      ['RUN ln -s $JAVA_HOME /opt/java'],
      ['/opt/java', '/tmp/f'],
    ],
    [
      'a link to a variable on the path',
      '/opt/java/f',
      ['RUN ln -s $JAVA_HOME /opt/java'],
      '`ln -s $JAVA_HOME /opt/java` makes a symbolic link that dslim cannot place',
    ],
    [
      'a link named by a variable to the path',
      '/tmp/f',
      ['RUN ln -s /tmp $LINK'],
      '`ln -s /tmp $LINK` makes a symbolic link that dslim cannot place',
    ],
    [
      'a heredoc RUN that may make a link',
      '/tmp/f',
      ['RUN <<EOF', 'ln -s /tmp /x', 'EOF'],
      'cannot be read, and it may make a symbolic link',
    ],
    [
      'a link to itself below',
      '/a/f',
      ['RUN ln -sT /a /a/b'],
      '`ln -sT /a /a/b` makes a symbolic link that gives the path more names than dslim follows',
    ],
  ])('%s', (_, path, runs, expected) => {
    const found = names(path, ...runs);
    // A line in a note is written as its offset until the report renders it.
    if (typeof expected === 'string') expect(found).toEqual(expect.stringContaining(expected));
    else expect(found).toEqual(expected);
  });

  test('links of the stage a stage builds on count, those of other stages do not', () => {
    const doc = new DockerDocument(
      [
        'FROM debian AS base',
        'RUN ln -sT /tmp /a',
        'FROM debian AS other',
        'RUN ln -sT /tmp /b',
        'FROM base',
        'RUN true',
        '',
      ].join('\n'),
    );
    const stage = doc.stages[2];
    const links = linksMadeBefore(doc, stage, stage.instructions[0].index);
    expect(namesThroughLinks('/tmp/f', links)).toEqual({ names: ['/tmp/f', '/a/f'] });
  });
});
