"""Schemathesis hooks of deploy/fuzz/run.sh.

They change no check. They make the requests the fuzzer *means to be valid* (positive mode)
valid where the OpenAPI document cannot say what valid is, because it depends on data the server
holds (defined custom fields, a cursor the server issued, a segment grammar) or on more than one
field at once. Each rule is stated in prose in the document; invalid (negative) requests are sent
as generated, except that every request gets a fresh Idempotency-Key and a reward never ends before
it starts. Without these, every such request is a false "schema-valid request rejected".
"""
import json
import uuid
from datetime import datetime

from hypothesis import strategies as st

import schemathesis
from schemathesis import GenerationMode


@schemathesis.serializer("application/x-ndjson")
def ndjson(context, value):
    # A string is sent as it is. A value of another type (a case testing "wrong type") has no NDJSON
    # form: written as one JSON array line, which is no JSON object, so it stays a wrong body on the
    # wire (sent as `{}` it would be a valid line).
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return (json.dumps([value]) + "\n").encode("utf-8")


# `format: phone` (the document's name for "a number libphonenumber accepts"): valid numbers of several
# countries in their common written forms; a string outside the format is still generated as invalid.
# The subscriber digits are random: fixed numbers would make the fuzzer's customers duplicates of the
# ones other specs sharing the test stack create (409 instead of their 201).
def _digits(n):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


schemathesis.openapi.format(
    "phone",
    st.one_of(
        _digits(8).map(lambda d: f"+86 138 {d[:4]} {d[4:]}"),
        _digits(8).map(lambda d: f"139{d}"),
        _digits(7).map(lambda d: f"+39 333 {d[:3]} {d[3:]}"),
        _digits(7).map(lambda d: f"+49 30 {d}"),
        _digits(6).map(lambda d: f"+44 7400 {d}"),
    ),
)


def _instant(value):
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


# A dynamic segment's definition follows a grammar (fields, operators, typed values) that the
# document describes in prose; a valid one is drawn from these.
VALID_DEFINITIONS = [
    {"match": "all", "conditions": [{"field": "tags", "op": "hasAny", "value": ["vip"]}]},
    {"match": "any", "conditions": [{"field": "purchaseCount", "op": "gte", "value": 3}, {"field": "city", "op": "in", "value": ["Milano"]}]},
    {"conditions": [{"any": [{"field": "totalSpent", "op": "gte", "value": 1000}, {"field": "lastPurchaseAt", "op": "withinDays", "value": 90}]}]},
]


def _without_nul(value):
    # The document's rule for all text (its description; patterns where a string has a schema):
    # no U+0000. Free-form objects (preferences, custom field values) have no schema to say it.
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def _positive(case) -> bool:
    meta = getattr(case, "meta", None)
    return meta is None or meta.generation.mode == GenerationMode.POSITIVE


@schemathesis.hook
def map_case(context, case):
    headers = case.headers or {}
    # A client sends a new Idempotency-Key with every new request; reusing one with another body is
    # 422 by design (draft-ietf-httpapi-idempotency-key-header), which is not what is tested here.
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and headers[name] and all("!" <= ch <= "~" for ch in headers[name]) and len(headers[name]) <= 255:
            headers[name] = str(uuid.uuid4())
            case.headers = headers
    if not _positive(case):
        return case
    query = case.query
    if isinstance(query, dict):
        # A cursor is opaque: only one the server issued (nextCursor) is valid.
        query.pop("cursor", None)
        # `cf` filters on defined custom fields only (GET /custom-fields lists them).
        query.pop("cf", None)
        case.query = query
    body = case.body
    if isinstance(body, dict):
        body = _without_nul(body)
        # Custom field values are keyed by defined custom fields (GET /custom-fields).
        if isinstance(body.get("customFields"), dict):
            body["customFields"] = {}
        path = case.operation.path
        # A required custom field would make every later customer without it invalid, for the other
        # tests that share the stack too: the fuzzer defines optional ones only.
        if path == "/api/v1/custom-fields" and body.get("required") is True:
            body["required"] = False
        # The programme's config is the loyalty programme's own schema (described in prose): a valid change.
        if path == "/api/v1/loyalty/programme" and isinstance(body.get("config"), dict):
            body["config"] = {"pointsPerUnit": 1 + len(body["config"]) % 5}
        if path.startswith("/api/v1/segments") and isinstance(body.get("definition"), dict):
            body["definition"] = VALID_DEFINITIONS[len(str(body)) % len(VALID_DEFINITIONS)]
        # Assigned back: a case tracks what changed through its setters.
        case.body = body
    # JSON lines: one JSON object per line, as the document says in prose. A positive body is made of
    # such lines (the generated text as the name), so that it holds a row.
    if case.operation.path == "/api/v1/imports" and case.media_type == "application/x-ndjson" and isinstance(case.body, str):
        case.body = "".join(json.dumps({"name": line}) + "\n" for line in case.body.splitlines() if line.strip()) or case.body
    return case


@schemathesis.hook
def map_body(context, body):
    # A reward is valid for a period: validUntil after validFrom. Here, not in map_case, so that it also
    # holds for the cases Schemathesis replays as explicit examples; it keeps any other violation.
    if context.operation is not None and context.operation.path == "/api/v1/loyalty/rewards" and isinstance(body, dict):
        valid_from, valid_until = _instant(body.get("validFrom")), _instant(body.get("validUntil"))
        if valid_from and valid_until and (valid_from.tzinfo is None) == (valid_until.tzinfo is None) and valid_until <= valid_from:
            body = {k: v for k, v in body.items() if k != "validUntil"}
    return body
