"""The one shape of API errors, and the handlers that turn every exception into it.

Every API of the hub answers errors as `{"errors": [{"code", "field", "message"}]}` with a 4xx status,
and a 500 (still JSON) only for a bug. Register the handlers on each NinjaAPI with
`register_exception_handlers(api)`; an API whose contract adds fields to the error body (the checkout's
`"checkoutComplete": false`) passes an `envelope` that says which, per request.
"""

import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

logger = logging.getLogger("hub.api")

Envelope = Callable[[HttpRequest], dict[str, Any]]

_STATUS_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    422: "unprocessable",
    429: "rate_limited",
}


class ErrorItem(Schema):
    code: str
    field: str | None = None
    message: str


class ErrorResponse(Schema):
    """What every 4xx/5xx of the APIs carries."""

    errors: list[ErrorItem]


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message": self.message}


class ApiError(Exception):
    """Raise from an endpoint to answer with these errors and this status."""

    def __init__(self, status: int, errors: Iterable[ErrorDetail]):
        self.status = status
        self.errors = list(errors)
        super().__init__(", ".join(error.code for error in self.errors))

    @classmethod
    def single(cls, status: int, code: str, message: str, field: str | None = None) -> "ApiError":
        return cls(status, [ErrorDetail(code=code, message=message, field=field)])


def error_response(status: int, errors: Iterable[ErrorDetail], extra: dict[str, Any] | None = None) -> HttpResponse:
    body = {**(extra or {}), "errors": [error.as_dict() for error in errors]}
    return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")


def field_path(loc: Iterable[Any]) -> str:
    """`("body", "payload", "paymentDetails", 0, "amount")` → `paymentDetails[0].amount`."""
    parts = list(loc)
    source = parts[0] if parts else None
    # Ninja prefixes the source ("body", "path", "query") and, for a body, the view's argument name.
    parts = parts[2:] if source == "body" else parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = _camel(str(part)) if source in {"path", "query"} else str(part)
            path += f".{name}" if path else name
    return path or (source if isinstance(source, str) else "body")


def _camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda match: match.group(1).upper(), name)


def validation_errors(exc: ValidationError) -> list[ErrorDetail]:
    """One error per bad field. Built from the location and message only: inputs are never echoed,
    because they may be card numbers."""
    details = []
    for error in exc.errors:
        field = field_path(error.get("loc", ()))
        message = _message(error)
        details.append(ErrorDetail(code="invalid_request", field=field, message=message))
    return details or [ErrorDetail(code="invalid_request", message="The request is not valid.")]


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "This field is required."
    message = str(error.get("msg", "Invalid value."))
    # Our own validators raise ValueError("..."); pydantic prefixes them.
    return message.removeprefix("Value error, ")


def register_exception_handlers(api: NinjaAPI, *, envelope: Envelope | None = None) -> None:
    """Map every exception raised in `api` to the JSON error shape."""

    def respond(request: HttpRequest, status: int, errors: list[ErrorDetail]) -> HttpResponse:
        extra = envelope(request) if envelope else None
        return error_response(status, errors, extra)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.errors)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 400, validation_errors(exc))

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = "A valid API key is needed: `Authorization: Bearer <key>` or `X-Api-Key: <key>`."
        return respond(request, 401, [ErrorDetail(code="unauthorized", message=message)])

    def on_authorization_error(request: HttpRequest, exc: AuthorizationError | PermissionDenied) -> HttpResponse:
        return respond(request, 403, [ErrorDetail(code="forbidden", message="Not allowed.")])

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, [ErrorDetail(code="not_found", message="Not found.")])

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        code = _STATUS_CODES.get(status, "error")
        # Ninja's own messages ("Cannot parse request body") carry no input; keep them.
        field = "body" if status == 400 else None
        return respond(request, status, [ErrorDetail(code=code, field=field, message=str(exc.message))])

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged without the request or frame variables: request bodies may hold card data.
        logger.error("Unhandled %s in %s %s", type(exc).__name__, request.method, request.path, exc_info=exc)
        error = ErrorDetail(code="server_error", message="Something went wrong on our side; it has been logged.")
        return respond(request, 500, [error])

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(AuthorizationError, on_authorization_error)
    api.add_exception_handler(PermissionDenied, on_authorization_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Exception, on_unexpected)


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """A JSON 404 for paths under an API prefix that match no endpoint (instead of the site's HTML page)."""
    return error_response(404, [ErrorDetail(code="not_found", message=f"No endpoint at {request.path}.")])


def json_method_not_allowed(view: Callable, *, envelope: Envelope | None = None) -> Callable:
    """Wrap a Ninja path view: a wrong HTTP method gets the JSON error shape (405, with `Allow`), not Ninja's
    plain-text `HttpResponseNotAllowed`."""

    @functools.wraps(view)  # keeps csrf_exempt and the view's name
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        message = f"{request.method} is not allowed here; allowed: {allowed}."
        extra = envelope(request) if envelope else None
        answer = error_response(405, [ErrorDetail(code="method_not_allowed", message=message)], extra)
        answer["Allow"] = allowed
        return answer

    return wrapper


def json_api_urls(api: NinjaAPI, *, envelope: Envelope | None = None) -> tuple[list, str, str]:
    """`api.urls` with every path view answering a wrong method in JSON (see json_method_not_allowed)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = json_method_not_allowed(pattern.callback, envelope=envelope)
    return patterns, app_name, namespace


# Documented once, reused by every endpoint's `response=` mapping.
ERROR_RESPONSES: dict[int, type[Schema]] = {400: ErrorResponse, 401: ErrorResponse}
