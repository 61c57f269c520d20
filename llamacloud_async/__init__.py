"""An async-first Python SDK for the LlamaCloud extraction API."""

from ._client import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_TIMEOUT,
    AsyncLlamaCloud,
    InsecureBaseURLWarning,
    InsecureTLSWarning,
)
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    InternalServerError,
    LlamaCloudError,
    NotFoundError,
    PermissionDeniedError,
    PollingError,
    PollingTimeoutError,
    ProxyAuthenticationError,
    RateLimitError,
    RedirectError,
    UnprocessableEntityError,
)
from ._logs import setup_logging as _setup_logging
from ._response import APIResponse, AsyncAPIResponse, BaseAPIResponse
from ._sync import LlamaCloud
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._validation import EXPAND_VALUES
from ._version import __version__
from ._watch import AsyncJobWatcher
from .types import Model

not_given = NOT_GIVEN
"""The official SDK's spelling of ``NOT_GIVEN``."""
Client = LlamaCloud
"""The official SDK's alias of ``LlamaCloud``."""
AsyncClient = AsyncLlamaCloud
"""The official SDK's alias of ``AsyncLlamaCloud``."""
BaseModel = Model
"""The base of every response model, under the official SDK's name: subclass it to
decode a raw response into your own shape, ``await raw.parse(to=MyModel)``."""

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_TIMEOUT",
    "EXPAND_VALUES",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIResponse",
    "AsyncClient",
    "AsyncJobWatcher",
    "AsyncLlamaCloud",
    "AuthenticationError",
    "BadRequestError",
    "BaseAPIResponse",
    "BaseModel",
    "Client",
    "ClientClosedError",
    "ConflictError",
    "InsecureBaseURLWarning",
    "InsecureTLSWarning",
    "InternalServerError",
    "LlamaCloud",
    "LlamaCloudError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "PollingError",
    "PollingTimeoutError",
    "ProxyAuthenticationError",
    "RateLimitError",
    "RedirectError",
    "Timeout",
    "UnprocessableEntityError",
    "__version__",
    "not_given",
]

_setup_logging()
