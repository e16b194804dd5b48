"""Prometheus metrics (one registry per process)."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "tanggap_http_requests_total", "HTTP requests", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram("tanggap_http_request_seconds", "HTTP request latency", ["route"])
COMMENTS_INGESTED = Counter(
    "tanggap_comments_ingested_total", "Comments stored", ["platform", "source"]
)
CLASSIFY_SECONDS = Histogram(
    "tanggap_classify_seconds",
    "Classifier latency per call",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
DRAFTS_CREATED = Counter("tanggap_drafts_created_total", "Drafts created", ["action"])
DRAFTS_DECIDED = Counter("tanggap_drafts_decided_total", "Review decisions", ["decision"])
