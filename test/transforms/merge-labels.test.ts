import { lines, transformTable } from '../harness';

transformTable('merge-labels', {
  unchanged: [
    {
      name: 'one LABEL',
      input: lines('FROM alpine:3.20', 'LABEL a=1 b=2'),
      reason: 'nothing to join',
    },
    {
      name: 'an instruction between',
      input: lines('FROM alpine:3.20', 'LABEL a=1', 'ENV X=1', 'LABEL b=2'),
      reason: 'joining would move a label across ENV, which may be expanded in it',
    },
    {
      name: 'LABELs in different stages',
      input: lines('FROM alpine:3.20 AS one', 'LABEL a=1', 'FROM alpine:3.20', 'LABEL b=2'),
      reason: 'each stage is its own image',
    },
    {
      name: 'a legacy value with quotes',
      input: lines('FROM alpine:3.20', 'LABEL a=1', 'LABEL description "a quoted text"'),
      reason: 'rewriting it to key="value" would need re-quoting that could change the value',
      note: 'holds quotes',
    },
    {
      name: 'a pragma between',
      input: lines('FROM alpine:3.20', 'LABEL a=1', '# dslim-ignore', 'LABEL b=2'),
      reason: 'the comment is about the second LABEL',
      note: 'dslim-ignore',
    },
  ],
  changed: [
    {
      name: 'two LABELs',
      input: lines('FROM alpine:3.20', 'LABEL a=1', 'LABEL b="two words"'),
      output: lines('FROM alpine:3.20', 'LABEL a=1 \\', '    b="two words"'),
      message: 'Joins 2 `LABEL` instructions',
    },
    {
      name: 'a repeated key keeps its order, so the last value wins',
      input: lines('FROM alpine:3.20', 'LABEL version=1', 'LABEL version=2'),
      output: lines('FROM alpine:3.20', 'LABEL version=1 \\', '    version=2'),
    },
    {
      name: 'the legacy form becomes key="value"',
      input: lines('FROM alpine:3.20', 'LABEL maintainer Some One <one@example.test>', 'LABEL a=1'),
      output: lines(
        'FROM alpine:3.20',
        'LABEL maintainer="Some One <one@example.test>" \\',
        '    a=1',
      ),
      message: '`key="value"` (1 key)',
    },
    {
      name: 'comments between are kept, blank lines dropped, style followed',
      input: lines('FROM alpine:3.20', 'LABEL a=1', '', '# about b', 'LABEL "b c"=2 \\', '  d=3'),
      output: lines('FROM alpine:3.20', 'LABEL a=1 \\', '# about b', '  "b c"=2 \\', '  d=3'),
    },
    {
      name: 'CRLF and a backtick escape',
      input: '# escape=`\r\nFROM alpine:3.20\r\nLABEL a=1\r\nLABEL b=2\r\n',
      output: '# escape=`\r\nFROM alpine:3.20\r\nLABEL a=1 `\r\n    b=2\r\n',
    },
  ],
});
