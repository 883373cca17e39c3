"""Azure OpenAI: a session that speaks to an Azure OpenAI resource.

::

    from openai_lite import chat
    from openai_lite.azure import AzureOpenAISession

    session = AzureOpenAISession(
        azure_endpoint="https://my-resource.openai.azure.com",
        api_version="2024-10-21",
        azure_deployment="my-gpt-4o-mini",
    )  # the key from AZURE_OPENAI_API_KEY
    resp = chat.create(session, model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])

Every resource function works with it. Calls to the endpoints that Azure serves per
deployment (chat and text completions, embeddings, audio, images) go to
``{endpoint}/openai/deployments/{deployment}/...``; the others (files, fine-tuning, models,
...) to ``{endpoint}/openai/...``. Every call carries the ``api-version`` query parameter.

https://learn.microsoft.com/azure/ai-services/openai/reference
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

import requests
from requests.auth import AuthBase
from urllib3.util.retry import Retry

from ._errors import OpenAIError
from ._request import path_param
from ._session import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, OpenAISession, Timeout, _Secret

__all__ = ["AzureOpenAISession", "DEPLOYMENT_PATHS"]

#: Paths served per deployment; ``/audio/...`` and ``/images/...`` are too.
DEPLOYMENT_PATHS = frozenset({"/chat/completions", "/completions", "/embeddings"})
_DEPLOYMENT_PREFIXES = ("/audio/", "/images/")

TokenProvider = Callable[[], str]


class _AzureCredentials(AuthBase):
    """Adds ``api-key`` (or an Entra ID bearer token) to one request; its repr shows neither."""

    __slots__ = ("_header", "_value")

    def __init__(self, header: str, value: str) -> None:
        self._header = header
        self._value = value

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers[self._header] = self._value
        return r

    def __repr__(self) -> str:
        return "<Azure OpenAI credentials>"


class AzureOpenAISession(OpenAISession):
    """An :class:`~openai_lite.OpenAISession` for an Azure OpenAI resource.

    Any argument left out is read from the environment: ``AZURE_OPENAI_ENDPOINT``,
    ``OPENAI_API_VERSION``, ``AZURE_OPENAI_API_KEY`` and ``AZURE_OPENAI_AD_TOKEN``. Give one
    credential: an ``api_key`` (sent as the ``api-key`` header), or a Microsoft Entra ID
    token, fixed (``azure_ad_token``) or fetched before every request
    (``azure_ad_token_provider``, e.g. from ``azure.identity.get_bearer_token_provider``),
    sent as ``Authorization: Bearer``. No credential is shown in a ``repr`` nor pickled.

    :param azure_endpoint: the resource's URL, e.g. ``https://my-resource.openai.azure.com``.
    :param azure_deployment: the deployment that per-deployment endpoints go to; when left
        out, the call's ``model`` is taken as the deployment name.
    :param base_url: instead of *azure_endpoint*: the URL that paths are appended to
        (``{endpoint}/openai``, or a gateway in front of it).
    :param deadline: as for :class:`~openai_lite.OpenAISession`.
    :raises OpenAIError: when the endpoint, the API version or every credential is missing.
    :raises ValueError: when more than one credential is given, or *azure_deployment* is
        empty, ``.`` or ``..``.
    """

    __attrs__ = OpenAISession.__attrs__ + ["api_version", "azure_deployment", "_credential_header"]

    def __init__(
        self,
        *,
        azure_endpoint: Optional[str] = None,
        api_version: Optional[str] = None,
        azure_deployment: Optional[str] = None,
        api_key: Optional[Union[str, Callable[[], str]]] = None,
        azure_ad_token: Optional[str] = None,
        azure_ad_token_provider: Optional[TokenProvider] = None,
        base_url: Optional[str] = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: Union[int, Retry] = DEFAULT_MAX_RETRIES,
        deadline: Optional[float] = None,
    ) -> None:
        credentials = {
            "api_key": api_key,
            "azure_ad_token": azure_ad_token,
            "azure_ad_token_provider": azure_ad_token_provider,
        }
        given = [name for name, value in credentials.items() if value is not None]
        if len(given) > 1:
            raise ValueError(f"give one credential, not {' and '.join(given)}")
        env = os.environ
        header, credential = _credential(api_key, azure_ad_token, azure_ad_token_provider, env)
        version = api_version or env.get("OPENAI_API_VERSION")
        if not version:
            raise OpenAIError("No api_version: pass api_version= or set OPENAI_API_VERSION.")
        if base_url is None:
            endpoint = azure_endpoint or env.get("AZURE_OPENAI_ENDPOINT")
            if not endpoint:
                raise OpenAIError("No azure_endpoint: pass azure_endpoint= or set AZURE_OPENAI_ENDPOINT.")
            base_url = endpoint.rstrip("/") + "/openai"
        if azure_deployment is not None:
            path_param(azure_deployment, "azure_deployment")
        super().__init__(
            api_key=credential,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            deadline=deadline,
        )
        self.organization = self.project = None
        #: Sent as the ``api-version`` query parameter of every call.
        self.api_version: str = version
        #: The deployment of per-deployment endpoints (None: the call's ``model``).
        self.azure_deployment: Optional[str] = azure_deployment
        self._credential_header = header

    def _target(
        self, path: str, params: Optional[Mapping[str, Any]], body: Any
    ) -> Tuple[str, Optional[Mapping[str, Any]], AuthBase, Timeout]:
        """Return the deployment URL, the query with ``api-version``, and the Azure credentials."""
        if path in DEPLOYMENT_PATHS or path.startswith(_DEPLOYMENT_PREFIXES):
            if self.azure_deployment:
                path = "/deployments/" + path_param(self.azure_deployment, "azure_deployment") + path
            else:
                model = _model_of(body)
                if model is not None:
                    path = "/deployments/" + path_param(model, "model") + path
        value = self.api_key()
        if not value:
            raise OpenAIError(
                "No Azure credential: an unpickled session reads AZURE_OPENAI_API_KEY"
                " (or AZURE_OPENAI_AD_TOKEN) again, and it is not set."
            )
        if self._credential_header == "Authorization":
            value = "Bearer " + value
        query = {"api-version": self.api_version, **(params or {})}
        return self.base_url + path, query, _AzureCredentials(self._credential_header, value), self.timeout

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        """Drop the ``api-key`` header on a redirect to another host, as requests drops ``Authorization``."""
        url = response.request.url or ""
        if "api-key" in prepared_request.headers and self.should_strip_auth(  # type: ignore[no-untyped-call, unused-ignore]
            url, prepared_request.url or ""
        ):
            del prepared_request.headers["api-key"]
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call, unused-ignore]

    def __repr__(self) -> str:
        return (
            f"<AzureOpenAISession base_url={self.base_url!r} api_version={self.api_version!r}"
            f" azure_deployment={self.azure_deployment!r}>"
        )

    def __setstate__(self, state: Dict[str, Any]) -> None:
        # No credential is pickled; an unpickled session reads the environment again.
        super().__setstate__(state)
        env = os.environ
        if state.get("_credential_header") == "Authorization":
            token = env.get("AZURE_OPENAI_AD_TOKEN")
            self._api_key = _Secret(token) if token else None
        else:
            key = env.get("AZURE_OPENAI_API_KEY")
            self._api_key = _Secret(key) if key else None


def _credential(
    api_key: Optional[Union[str, Callable[[], str]]],
    token: Optional[str],
    provider: Optional[TokenProvider],
    env: Mapping[str, str],
) -> Tuple[str, Union[str, Callable[[], str]]]:
    """Return the header that carries the credential, and the credential (or its provider)."""
    if provider is not None:
        if not callable(provider):
            raise TypeError(f"azure_ad_token_provider must be callable, not {provider!r}")
        return "Authorization", provider
    if token:
        return "Authorization", token
    if api_key:
        return "api-key", api_key
    if env.get("AZURE_OPENAI_API_KEY"):
        return "api-key", env["AZURE_OPENAI_API_KEY"]
    if env.get("AZURE_OPENAI_AD_TOKEN"):
        return "Authorization", env["AZURE_OPENAI_AD_TOKEN"]
    raise OpenAIError(
        "No Azure credential: pass api_key=, azure_ad_token= or azure_ad_token_provider=, "
        "or set AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN."
    )


def _model_of(body: Any) -> Optional[str]:
    """The ``model`` of a JSON body or of multipart fields, if it is a string."""
    if isinstance(body, Mapping):
        model = body.get("model")
        return model if isinstance(model, str) else None
    if isinstance(body, list):
        for name, value in body:
            if name == "model" and isinstance(value, str):
                return value
    return None
