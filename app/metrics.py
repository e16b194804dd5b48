"""Prometheus metrics (one registry per process)."""

from prometheus_client import Counter, Gauge, Histogram

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
REQUESTS_IN_FLIGHT = Gauge("tanggap_requests_in_flight", "Admitted requests running now")
REQUESTS_SHED = Counter("tanggap_requests_shed_total", "Requests answered 503 by admission")
INFERENCE_QUEUE = Gauge("tanggap_inference_queue_texts", "Texts waiting for the classifier")
PROCESSING_BATCH = Histogram(
    "tanggap_processing_batch_comments",
    "Comments classified and drafted in one shared transaction",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
INFERENCE_BATCH = Histogram(
    "tanggap_inference_batch_texts",
    "Texts per classifier batch",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)
INFERENCE_REJECTED = Counter(
    "tanggap_inference_rejected_total", "Classify calls refused: inference queue full"
)
