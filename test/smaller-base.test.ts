import { readFileSync } from 'node:fs';
import slimBases from '../transforms/data/slim-bases.json';
import { lines, transformTable } from './harness';

const javaApp = (image: string) =>
  lines(
    'FROM maven:3-eclipse-temurin-21 AS build',
    'RUN mvn package',
    `FROM ${image}`,
    'RUN useradd app',
    'COPY --from=build /target/app.jar /app/',
    'ENTRYPOINT ["java", "-jar", "/app/app.jar"]',
  );

const switched = (before: string, after: string, name = `${before} → ${after}`) => ({
  name,
  input: lines('FROM golang:1.22 AS build', 'RUN go build', `FROM ${before}`, 'CMD ["app"]'),
  output: lines('FROM golang:1.22 AS build', 'RUN go build', `FROM ${after}`, 'CMD ["app"]'),
});

/** A final stage on `image` whose one RUN runs `command`. */
const building = (image: string, command: string) =>
  lines(`FROM ${image}`, 'WORKDIR /app', 'COPY . .', `RUN ${command}`, 'CMD ["app"]');

const declined = (image: string, command: string, build: string) => ({
  name: `${image} running ${command}`,
  input: building(image, command),
  reason: 'the slim variant has no compilers or headers for what this may build',
  note: `the RUN on line 4 runs \`${build}\``,
});

transformTable('smaller-base', {
  unchanged: [
    {
      ...declined('ruby:3.3', 'bundle install', 'bundle install'),
      note: 'Leaves `ruby:3.3` alone although `ruby:3.3-slim` exists: the RUN on line 4 runs `bundle install`, which may compile code, and the slim variant has no compilers or headers.',
    },
    declined('ruby:3.3', 'bundle', 'bundle'),
    declined('ruby:3.3', 'gem install --no-document rails', 'gem install'),
    declined('python:3.12', 'pip install -r requirements.txt', 'pip install'),
    declined('python:3.12', 'pip3.12 install -e .', 'pip install'),
    declined('python:3.12', 'python3 -m pip install .', 'pip install'),
    declined('python:3.12', 'python setup.py install', 'python setup.py'),
    declined('python:3.12', 'poetry install --no-root', 'poetry install'),
    declined('python:3.12', 'uv pip install --system .', 'uv pip'),
    declined('node:20', 'npm ci --omit=dev', 'npm ci'),
    declined('node:20', 'npm install', 'npm install'),
    declined('node:20', 'yarn --frozen-lockfile', 'yarn'),
    declined('node:20', 'pnpm install', 'pnpm install'),
    declined('node:20', 'cd native && sudo make', 'make'),
    declined('python:3.12', './configure && gcc -o app app.c', 'configure'),
    declined('python:3.12', 'cargo build --release', 'cargo build'),
    {
      name: 'a build in an ONBUILD RUN',
      input: lines('FROM node:20', 'ONBUILD RUN npm ci', 'CMD ["node", "app.js"]'),
      reason: 'the images built on this one run the install on the slim variant',
      note: 'the ONBUILD RUN on line 2 runs `npm ci`',
    },
    {
      name: 'a builder stage',
      input: lines(
        'FROM python:3.12 AS build',
        'RUN pip wheel .',
        'FROM gcr.io/distroless/python3',
      ),
      reason: 'only the final stage is rewritten; builders need compilers',
    },
    {
      name: 'already slim',
      input: lines('FROM python:3.12-slim'),
      reason: 'the slim variant is the goal',
    },
    {
      name: 'no tag',
      input: lines('FROM python'),
      reason: 'without a version there is no "same version" to keep',
    },
    {
      name: 'pinned by digest',
      input: lines(`FROM python:3.12@sha256:${'a'.repeat(64)}`),
      reason: 'a digest pins exact bytes; the slim variant has another digest',
      note: 'digest',
    },
    {
      name: 'variable in the tag',
      input: lines('ARG V=3.12', 'FROM python:${V}'),
      reason: 'the value is only known at build time',
    },
    {
      name: 'variable in the image',
      input: lines('ARG PY=python:3.12', 'FROM ${PY}'),
      reason: 'the image is only known at build time',
    },
    {
      name: '--platform',
      input: lines('FROM --platform=linux/amd64 node:20'),
      reason: 'FROM lines with flags are left alone',
      note: '--platform',
    },
    {
      name: 'another registry',
      input: lines('FROM registry.example.com/python:3.12'),
      reason: 'only official Docker Hub images have the published variants',
    },
    {
      name: 'a stage reference',
      input: lines('FROM python:3.12 AS base', 'FROM base'),
      reason: 'the final stage builds on a stage, not an image',
    },
    {
      name: 'JDK used by a RUN',
      input: javaApp('eclipse-temurin:21-jdk').replace(
        'RUN useradd app',
        'RUN jlink --output /jre',
      ),
      reason: 'jlink exists only in the JDK',
      note: '`jlink`',
    },
    {
      name: 'JDK stage started by a script',
      input: javaApp('eclipse-temurin:21').replace(
        '["java", "-jar", "/app/app.jar"]',
        '["/app/run.sh"]',
      ),
      reason: 'what the script runs is unknown',
      note: '`/app/run.sh`',
    },
    {
      name: 'JDK stage without ENTRYPOINT or CMD',
      input: lines('FROM eclipse-temurin:17', 'COPY app.jar /app/'),
      reason: 'it would start the JDK image default, jshell, which a JRE lacks',
      note: 'no ENTRYPOINT or CMD',
    },
    {
      name: 'a CMD given to an entrypoint script',
      input: lines(
        'FROM eclipse-temurin:21-jdk',
        'COPY app.jar /app/',
        'CMD ["java", "-jar", "/app/app.jar"]',
        'ENTRYPOINT ["/app/run.sh"]',
      ),
      reason: 'the container starts the script, whose needs are unknown',
      note: 'Leaves `eclipse-temurin:21-jdk` alone although `eclipse-temurin:21-jre` exists: the stage starts `/app/run.sh`, not `java` directly, so what it needs is unknown.',
    },
    {
      name: 'a shell-form ENTRYPOINT that runs a script before java',
      input: lines(
        'FROM eclipse-temurin:21-jdk',
        'COPY app.jar /app/',
        'ENTRYPOINT /app/setup.sh && exec java -jar /app/app.jar',
      ),
      reason: 'the script runs first, and may need the JDK',
      note: 'the stage starts `/app/setup.sh`, not `java` directly',
    },
    {
      name: 'openjdk without a JRE image',
      input: javaApp('openjdk:17'),
      reason: 'openjdk published JRE images for 8 and 11 only',
    },
  ],
  changed: [
    {
      ...switched('python:3.12', 'python:3.12-slim'),
      message: 'instead of `python:3.12`',
    },
    switched('python:3.11.9-bookworm', 'python:3.11.9-slim-bookworm'),
    switched('docker.io/library/python:3.12', 'docker.io/library/python:3.12-slim'),
    switched('node:20', 'node:20-slim'),
    switched('node:20.11.1-bookworm', 'node:20.11.1-bookworm-slim'),
    switched('debian:bookworm', 'debian:bookworm-slim'),
    switched('debian:12', 'debian:12-slim'),
    switched('debian:bookworm-20240612', 'debian:bookworm-20240612-slim'),
    switched('ruby:3.3', 'ruby:3.3-slim'),
    switched('ruby:3.3.1-bullseye', 'ruby:3.3.1-slim-bullseye'),
    {
      name: 'a stage that only runs what was copied in, and an npm command that builds nothing',
      input: building('node:20', 'npm config set fund false && gem list && make-user app'),
      output: building('node:20-slim', 'npm config set fund false && gem list && make-user app'),
    },
    {
      name: 'a Debian stage that runs make: the full image has no compilers either',
      input: building('debian:bookworm', 'make'),
      output: building('debian:bookworm-slim', 'make'),
    },
    {
      name: 'eclipse-temurin JDK → JRE for a stage that only runs java',
      input: javaApp('eclipse-temurin:21-jdk'),
      output: javaApp('eclipse-temurin:21-jre'),
      message: 'without the compiler and development tools of the JDK',
    },
    {
      name: 'eclipse-temurin default tag with an OS',
      input: javaApp('eclipse-temurin:17.0.11_9-jdk-jammy'),
      output: javaApp('eclipse-temurin:17.0.11_9-jre-jammy'),
    },
    {
      name: 'an ENTRYPOINT that runs java with the jar in the CMD',
      input: lines(
        'FROM eclipse-temurin:21-jdk',
        'COPY app.jar /app/',
        'ENTRYPOINT ["java"]',
        'CMD ["-jar", "/app/app.jar"]',
      ),
      output: lines(
        'FROM eclipse-temurin:21-jre',
        'COPY app.jar /app/',
        'ENTRYPOINT ["java"]',
        'CMD ["-jar", "/app/app.jar"]',
      ),
    },
    {
      name: 'openjdk 11 JDK → JRE, shell-form CMD',
      input: lines('FROM openjdk:11-jdk-slim', 'COPY app.jar /', 'CMD java -jar /app.jar'),
      output: lines('FROM openjdk:11-jre-slim', 'COPY app.jar /', 'CMD java -jar /app.jar'),
    },
  ],
});

test('every family in the data file has a table case', () => {
  const source = readFileSync(__filename, 'utf8');
  for (const family of slimBases.families) expect(source).toContain(`${family.family}:`);
});
