"""Reads traceparent header values, one per line (JSON strings), and answers for each
what OpenTelemetry Python's W3C TraceContext propagator extracts: `invalid`, or
`{trace_id} {span_id} {sampled}` in lower-case hex. The reference for shared/src/trace.rs."""
import json
import sys

from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

propagator = TraceContextTextMapPropagator()
for line in sys.stdin:
    value = json.loads(line)
    context = propagator.extract({"traceparent": value})
    span = trace.get_current_span(context).get_span_context()
    if not span.is_valid:
        print("invalid")
    else:
        print(f"{span.trace_id:032x} {span.span_id:016x} {int(span.trace_flags.sampled)}")
