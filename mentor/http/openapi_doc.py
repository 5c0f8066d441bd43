"""/openapi.json as the server behaves: quart-schema documents request bodies from the routes; this adds
what it cannot know, so a schema-driven client (or schemathesis) agrees with the server:

- every operation declares its success range (``2XX``) and the problem responses any route can give,
  each as ``application/problem+json`` with the ``Problem`` schema (RFC 9457 plus our stable ``code``);
- the success statuses routes name in their docs stay as quart-schema wrote them;
- the caption route's body in all three shapes it accepts (one caption, a list, ``{"captions": [...]}``).

Text fields that must not be blank carry ``pattern: \\S`` in their schema (``models.NotBlank``).
"""

from __future__ import annotations

from typing import Any

from quart_schema.openapi import OpenAPIProvider

from mentor.errors import PROBLEM_STATUS, ProblemCode

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `code` is stable and machine-readable (docs/protocol.md)",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string", "enum": sorted(str(c) for c in ProblemCode)},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "retry_after_s": {"type": "integer"},
        "index": {"type": "integer"},
    },
    "additionalProperties": True,
}

_REASONS = {400: "malformed request", 401: "missing, invalid, expired or revoked token",
            403: "the token's role or scope does not allow this",
            404: "no such resource (or someone else's)", 405: "method not allowed", 408: "body not received in time",
            409: "conflicts with the current state", 413: "body, batch or file too large",
            415: "unsupported media or file type", 422: "well-formed but invalid", 429: "rate limited",
            500: "unexpected error (logged)", 502: "the answer engine failed", 503: "overloaded or shutting down",
            504: "the answer engine timed out"}
PROBLEM_STATUSES = sorted(set(PROBLEM_STATUS.values()) | {405})


class MentorOpenAPI(OpenAPIProvider):
    def schema(self) -> dict[str, Any]:
        document: dict[str, Any] = super().schema()
        document["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
        captions = document["paths"].get("/sessions/{session_id}/captions", {}).get("post", {})
        body = captions.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and "CaptionIn" in document["components"]["schemas"]:
            one = {"$ref": "#/components/schemas/CaptionIn"}
            body["schema"] = {"oneOf": [one, {"type": "array", "items": one, "minItems": 1}, body["schema"]]}
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in document["paths"].values():
            for operation in operations.values():
                if not isinstance(operation, dict):
                    continue
                # quart-schema keys statuses as ints; OpenAPI keys are strings ("2XX" too), and mixed keys
                # cannot be sorted when the document is serialised
                responses = {str(code): value for code, value in operation.get("responses", {}).items()}
                operation["responses"] = responses
                if not any(str(code).startswith("2") for code in responses):
                    responses["2XX"] = {"description": "success (see the operation's description)"}
                for status in PROBLEM_STATUSES:
                    responses.setdefault(str(status), {"description": _REASONS.get(status, "problem"),
                                                       "content": problem})
        return document
