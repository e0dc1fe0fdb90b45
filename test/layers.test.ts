import { DockerDocument } from '../src/document';
import { fix } from '../src/index';
import { countLayers, describeLayerChange } from '../src/layers';
import { lines } from './harness';

const twoStages = lines(
  'FROM golang:1.22 AS build',
  'COPY go.mod /src/',
  'COPY go.sum /src/',
  'RUN go mod download',
  'RUN go build -o /app',
  'ENV CGO_ENABLED=0',
  'FROM alpine:3.20',
  'COPY --from=build /app /app',
  'LABEL a=1',
  'CMD ["/app"]',
);

test('counts RUN, COPY and ADD per stage', () => {
  expect(countLayers(new DockerDocument(twoStages))).toEqual([
    { stage: 'build', layers: 4 },
    { stage: 'stage 1', layers: 1 },
  ]);
});

test('a fix result carries the counts before and after', async () => {
  const result = await fix(twoStages);
  expect(result.layers).toEqual({
    before: [
      { stage: 'build', layers: 4 },
      { stage: 'stage 1', layers: 1 },
    ],
    after: [
      { stage: 'build', layers: 2 },
      { stage: 'stage 1', layers: 1 },
    ],
  });
  expect(describeLayerChange(result.layers.before, result.layers.after)).toBe(
    'build 4 → 2, stage 1 1 → 1',
  );
});

test('lists both sides when the stages differ', () => {
  expect(
    describeLayerChange(
      [{ stage: 'stage 0', layers: 3 }],
      [
        { stage: 'build', layers: 2 },
        { stage: 'stage 1', layers: 1 },
      ],
    ),
  ).toBe('before: stage 0 3; after: build 2, stage 1 1');
});
