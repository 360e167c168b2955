# The yiyang-rules HTTP service (docs/service.md).
#   docker build -t yiyang-rules .
#   docker run --rm -p 127.0.0.1:8000:8000 yiyang-rules
# Stage 1 builds the wheel (rules, schemas and the example are bundled inside it); stage 2 installs
# only that wheel with the server extra, so no sources, build tools or pip cache stay in the image.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY rules ./rules
COPY schemas ./schemas
COPY examples ./examples
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=build /wheels /wheels
RUN pip install "$(ls /wheels/yiyang_rules-*.whl)[server]" \
 && rm -rf /wheels \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin yiyang
USER yiyang
EXPOSE 8000
# SIGTERM (docker stop) lets running requests finish (--graceful-timeout, 30 s by default); docker
# stop's own wait is 10 s unless `docker stop -t 35` is used.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["yiyang", "serve", "--host", "0.0.0.0", "--port", "8000"]
