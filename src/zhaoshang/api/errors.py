"""API errors as {"error": ..., "code": ...}: a DomainError is the client's 400, anything else a logged 500."""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from zhaoshang.core.errors import DomainError
from zhaoshang.core.locking import StaleEdit
from zhaoshang.core.messages import error_message

log = logging.getLogger("zhaoshang.api")


def exception_handler(exc, context):
    if isinstance(exc, StaleEdit):  # optimistic locking: someone else changed the record since it was read
        return Response(
            {"error": error_message(exc), "code": exc.code, "changes": exc.changes},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DomainError):
        return Response({"error": error_message(exc), "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(
        exc, OverflowError
    ):  # an id or number beyond the database's integers (?project=99999999999999999999)
        out_of_range = DomainError("数值超出范围", code="out_of_range")
        return Response(
            {"error": error_message(out_of_range), "code": "out_of_range"}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"error": detail, "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        error_id = uuid.uuid4().hex[:12]
        log.exception("API error %s", error_id, exc_info=exc)
        return Response(
            {
                "error": f"服务器内部错误，已记录（编号 {error_id}）",
                "code": "server_error",
                "error_id": error_id,
            },
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    data = response.data
    code = getattr(exc, "default_code", "error")
    if hasattr(exc, "get_codes"):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    message = data.get("detail", data) if isinstance(data, dict) else data
    response.data = {"error": message, "code": code}
    if isinstance(data, dict) and "detail" not in data:
        response.data["fields"] = data
    return response
