"""OpenAPI schema hooks: the error answers every operation may give, documented once for all."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: a message for the user (in their language) and a stable machine code.",
    "properties": {
        "error": {"description": "The message (a text, or a list/mapping of messages per field)"},
        "code": {"description": "A stable machine code (or codes per field)"},
        "fields": {"type": "object", "description": "Per-field messages of a validation error"},
    },
    "required": ["error", "code"],
}
ERRORS = {
    "400": "Bad input or a refused action",
    "401": "Not authenticated (WWW-Authenticate names the scheme)",
    "403": "Authenticated, but the role may not do this",
    "404": "Not found, or outside the user's organisation",
    "405": "Method not allowed",
    "409": "Edited by someone else since it was read (optimistic locking)",
    "415": "Unsupported media type",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Every operation documents the error answers with the shared Error schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result
