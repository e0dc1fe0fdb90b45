# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src

RUN apt-get update
RUN apt-get install -y --no-install-recommends build-essential libpq-dev
RUN rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --prefix=/install -r requirements.txt

COPY . .
RUN python -m compileall -q /src

FROM python:${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.title="example"
LABEL org.opencontainers.image.source="https://example.test/repo"
LABEL org.opencontainers.image.licenses="MIT"

RUN apt-get update
RUN apt-get install -y --no-install-recommends libpq5 curl
RUN rm -rf /var/lib/apt/lists/*

RUN groupadd --system app
RUN useradd --system --gid app --home /app app

COPY --from=build /install /usr/local
COPY --from=build /src /app

WORKDIR /app
RUN mkdir -p /app/data
RUN chown -R app:app /app/data

# Health and runtime settings
ENV PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
    CMD curl -fsS http://localhost:8000/health || exit 1

USER app
RUN python -c "import sys; print(sys.version)"
RUN echo "ready" > /app/data/status

STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "example"]
CMD ["serve", "--port", "8000"]
