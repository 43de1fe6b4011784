"""API errors as {"error": ..., "code": ...} with a 4xx status; domain ValueErrors become 400."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"error": detail, "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        if isinstance(exc, ValueError):
            return Response({"error": str(exc), "code": getattr(exc, "code", "invalid")}, status=400)
        return None
    data = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, Exception) and hasattr(exc, "get_codes"):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    message = data.get("detail", data) if isinstance(data, dict) else data
    response.data = {"error": message, "code": code}
    if isinstance(data, dict) and "detail" not in data:
        response.data["fields"] = data
    return response
