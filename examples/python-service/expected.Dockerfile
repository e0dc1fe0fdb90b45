FROM python:3.12-slim

LABEL org.opencontainers.image.title="inventory-service" \
    org.opencontainers.image.source="https://example.test/inventory" \
    maintainer="Inventory Team <inventory@example.test>"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

RUN apt-get update && \
    apt-get install -y --no-install-recommends libpq5 && \
    rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

RUN groupadd --system app && \
    useradd --system --gid app --no-create-home app
USER app

EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "inventory.wsgi"]
