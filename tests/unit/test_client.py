"""The HTTP client against scripted answers (httpx.MockTransport): settings, auth, envelope,
retries, error mapping, rate limiting, logging, and that no key ever leaks."""

from __future__ import annotations

import json
import logging
import pickle
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from helpers import FakeTime, ManualClock

from pulumi_jetemail._process import close_shared_clients, shared_client
from pulumi_jetemail._ratelimit import RateLimiter
from pulumi_jetemail._settings import ClientSettings
from pulumi_jetemail.client import DEFAULT_TIMEOUT, JetEmailClient
from pulumi_jetemail.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthError,
    ConfigError,
    ConflictError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)

KEY = "api_k3y_that_must_never_show"
UUID = "550e8400-e29b-41d4-a716-446655440000"
RULE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
DOMAIN = {"uuid": UUID, "domain": "example.com", "delivery_type": "forward", "status": "active"}

Answer = httpx.Response | type[httpx.TransportError]


def ok(result: Any = None, **envelope: Any) -> httpx.Response:
    body = {"success": True, **envelope}
    if result is not None:
        body["result"] = result
    return httpx.Response(200, json=body)


def fail(status: int, headers: dict[str, str] | None = None, **body: Any) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


class Api:
    """Scripted answers, one per request (the last one repeats); records every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers) or [ok()]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, type):
            raise answer(f"scripted {answer.__name__}", request=request)
        return answer

    @property
    def calls(self) -> list[str]:
        return [f"{r.method} {r.url.raw_path.decode()}" for r in self.requests]


class NoJitter(random.Random):
    def random(self) -> float:
        return 0.0


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def connect(fake_time: FakeTime) -> Iterator[Callable[..., tuple[JetEmailClient, Api]]]:
    """`connect(*answers, **client_kwargs)`: a client whose API answers as scripted."""
    clients: list[JetEmailClient] = []

    def make(*answers: Answer, **kwargs: Any) -> tuple[JetEmailClient, Api]:
        api = Api(*answers)
        kwargs.setdefault("sleep", fake_time.sleep)
        kwargs.setdefault("clock", fake_time.clock)
        kwargs.setdefault("rng", NoJitter())
        client = JetEmailClient(
            kwargs.pop("api_key", KEY),
            kwargs.pop("base_url", "https://api.jetemail.com"),
            transport=httpx.MockTransport(api),
            **kwargs,
        )
        clients.append(client)
        return client, api

    yield make
    for client in clients:
        client.close()


@pytest.fixture(autouse=True)
def _no_shared_clients() -> Iterator[None]:
    yield
    close_shared_clients()


# --- settings -------------------------------------------------------------------------------


def config_of(**values: object) -> Callable[[str], object | None]:
    namespaced = {f"jetemail:{k}": v for k, v in values.items()}
    return namespaced.get


def test_settings_default_to_the_public_api_at_200_a_minute_without_a_key() -> None:
    settings = ClientSettings.resolve(config_of(), {})
    assert settings == ClientSettings(None, "https://api.jetemail.com", 200)


def test_stack_config_beats_the_environment() -> None:
    environ = {
        "JETEMAIL_API_KEY": "api_from_env",
        "JETEMAIL_API_URL": "https://env.example.com",
        "JETEMAIL_REQUESTS_PER_MINUTE": "50",
    }
    config = config_of(
        apiKey="api_from_config", apiUrl="https://config.example.com", requestsPerMinute="120"
    )
    settings = ClientSettings.resolve(config, environ)
    assert settings == ClientSettings("api_from_config", "https://config.example.com", 120)


def test_the_environment_fills_in_what_the_config_lacks() -> None:
    environ = {
        "JETEMAIL_API_KEY": "api_from_env",
        "JETEMAIL_API_URL": "http://127.0.0.1:8025/",
        "JETEMAIL_REQUESTS_PER_MINUTE": "100",
    }
    settings = ClientSettings.resolve(config_of(apiKey=""), environ)  # empty counts as unset
    assert settings == ClientSettings("api_from_env", "http://127.0.0.1:8025", 100)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120), (" 60 ", 60), (120, 120), (120.0, 120), ("240.0", 240), ("1", 1)],
)
def test_requests_per_minute_accepts_whole_numbers_in_any_form(
    value: object, expected: int
) -> None:
    settings = ClientSettings.resolve(config_of(requestsPerMinute=value), {})
    assert settings.requests_per_minute == expected


@pytest.mark.parametrize(
    "value", ["fast", "12.5", 12.5, "0", 0, -1, "-200", 10**6, True, "nan", "inf"]
)
def test_requests_per_minute_refuses_nonsense_naming_the_setting(value: object) -> None:
    with pytest.raises(ConfigError, match="jetemail:requestsPerMinute"):
        ClientSettings.resolve(config_of(requestsPerMinute=value), {})


def test_a_bad_environment_rate_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="JETEMAIL_REQUESTS_PER_MINUTE"):
        ClientSettings.resolve(config_of(), {"JETEMAIL_REQUESTS_PER_MINUTE": "lots"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.jetemail.com", "https://api.jetemail.com"),
        ("https://api.jetemail.com/", "https://api.jetemail.com"),
        ("https://proxy.example.com/jetemail/", "https://proxy.example.com/jetemail"),
        ("HTTPS://Api.JetEmail.com", "https://Api.JetEmail.com"),
        ("http://127.0.0.1:8025", "http://127.0.0.1:8025"),
        ("http://127.8.9.10", "http://127.8.9.10"),
        ("http://[::1]:8025/", "http://[::1]:8025"),
        ("http://[::ffff:127.0.0.1]:8025", "http://[::ffff:127.0.0.1]:8025"),
        ("http://localhost", "http://localhost"),
        ("http://LOCALHOST:8025", "http://LOCALHOST:8025"),
    ],
)
def test_api_url_accepts_https_anywhere_and_http_on_loopback(url: str, expected: str) -> None:
    assert ClientSettings.resolve(config_of(apiUrl=url), {}).api_url == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://api.jetemail.com",
        "http://localhost.example.com",
        "http://10.0.0.1:8025",
        "http://[::2]",
    ],
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="jetemail:apiUrl") as caught:
        ClientSettings.resolve(config_of(apiUrl=url), {})
    assert "https://" in str(caught.value)
    assert "loopback" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "api.jetemail.com",
        "ftp://api.jetemail.com",
        "https://",
        "/inbound",
        "https://api.jetemail.com:99999",
        "https://api.jetemail.com?x=1",
        42,
    ],
)
def test_api_url_must_be_an_absolute_http_url(url: object) -> None:
    with pytest.raises(ConfigError, match="jetemail:apiUrl"):
        ClientSettings.resolve(config_of(apiUrl=url), {})


def test_api_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError) as caught:
        ClientSettings.resolve(config_of(apiUrl="https://me:hunter2@api.jetemail.com"), {})
    assert "hunter2" not in str(caught.value)


def test_a_bad_environment_url_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="JETEMAIL_API_URL"):
        ClientSettings.resolve(config_of(), {"JETEMAIL_API_URL": "http://example.com"})


@pytest.mark.parametrize("key", [KEY, "transactional_abc123", "sk_plain_secret_99"])
def test_settings_repr_never_shows_the_key(key: str) -> None:
    settings = ClientSettings(key, "https://api.jetemail.com", 200)
    assert key not in repr(settings)
    assert key not in str(settings)
    assert "[redacted]" in repr(settings)


def test_settings_are_frozen_and_hashable() -> None:
    settings = ClientSettings(KEY)
    with pytest.raises(AttributeError):
        settings.api_key = "api_other"  # type: ignore[misc]
    assert {settings: 1}[ClientSettings(KEY)] == 1


def test_settings_constructed_directly_are_validated_too() -> None:
    with pytest.raises(ConfigError):
        ClientSettings(KEY, "http://example.com")
    with pytest.raises(ConfigError):
        ClientSettings(KEY, requests_per_minute=0)


def test_a_key_with_stray_whitespace_is_trimmed() -> None:
    assert ClientSettings.resolve(config_of(apiKey=f"  {KEY}\n"), {}).api_key == KEY


# --- the client: requests and answers -------------------------------------------------------


def test_every_call_carries_the_bearer_key_and_asks_for_json(connect: Any) -> None:
    client, api = connect(ok([]))
    client.list_domains()
    (request,) = api.requests
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("pulumi-jetemail/")


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(lambda c: c.list_domains(), "GET /inbound/domains", id="list domains"),
        pytest.param(
            lambda c: c.create_domain({"domain": "example.com"}),
            "POST /inbound/domains",
            id="create domain",
        ),
        pytest.param(
            lambda c: c.get_domain(UUID), f"GET /inbound/settings/{UUID}", id="get domain"
        ),
        pytest.param(
            lambda c: c.update_domain(UUID, {"status": "disabled"}),
            f"PATCH /inbound/settings/{UUID}",
            id="update domain",
        ),
        pytest.param(
            lambda c: c.delete_domain(UUID), "DELETE /inbound/domains", id="delete domain"
        ),
        pytest.param(
            lambda c: c.check_domain(UUID),
            f"POST /inbound/domains/{UUID}/check",
            id="check domain",
        ),
        pytest.param(
            lambda c: c.list_forward_rules(UUID),
            f"GET /inbound/domains/{UUID}/forward-rules",
            id="list rules",
        ),
        pytest.param(
            lambda c: c.create_forward_rule(UUID, {"localpart": "info"}),
            f"POST /inbound/domains/{UUID}/forward-rules",
            id="create rule",
        ),
        pytest.param(
            lambda c: c.get_forward_rule(UUID, RULE),
            f"GET /inbound/domains/{UUID}/forward-rules/{RULE}",
            id="get rule",
        ),
        pytest.param(
            lambda c: c.update_forward_rule(UUID, RULE, {"active": False}),
            f"PATCH /inbound/domains/{UUID}/forward-rules/{RULE}",
            id="update rule",
        ),
        pytest.param(
            lambda c: c.delete_forward_rule(UUID, RULE),
            f"DELETE /inbound/domains/{UUID}/forward-rules/{RULE}",
            id="delete rule",
        ),
    ],
)
def test_each_method_calls_its_endpoint_once(
    connect: Any, call: Callable[[JetEmailClient], object], expected: str
) -> None:
    answer = (
        ok([]) if expected.startswith("GET") and expected.endswith(("domains", "rules")) else ok({})
    )
    client, api = connect(answer)
    call(client)
    assert api.calls == [expected]


def test_bodies_are_sent_as_json(connect: Any) -> None:
    client, api = connect(ok(DOMAIN))
    client.create_domain({"domain": "example.com", "delivery_type": "forward"})
    (request,) = api.requests
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"domain": "example.com", "delivery_type": "forward"}


def test_delete_domain_sends_the_uuid_as_a_json_body(connect: Any) -> None:
    client, api = connect(ok(message="domain deleted"))
    assert client.delete_domain(UUID) is None
    (request,) = api.requests
    assert (request.method, request.url.path) == ("DELETE", "/inbound/domains")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"uuid": UUID}


def test_reads_without_a_body_send_none(connect: Any) -> None:
    client, api = connect(ok(DOMAIN))
    client.get_domain(UUID)
    assert api.requests[0].content == b""


def test_the_envelope_is_unwrapped(connect: Any) -> None:
    client, _ = connect(ok([DOMAIN]), ok(DOMAIN), ok(message="updated"), ok(message="checked"))
    assert client.list_domains() == [DOMAIN]
    assert client.get_domain(UUID) == DOMAIN
    assert client.update_domain(UUID, {"status": "active"}) is None
    assert client.check_domain(UUID) == {}


def test_an_answer_without_the_envelope_is_taken_as_is(connect: Any) -> None:
    client, _ = connect(httpx.Response(200, json=DOMAIN), httpx.Response(204))
    assert client.get_domain(UUID) == DOMAIN
    assert client.update_domain(UUID, {"status": "active"}) is None


def test_a_base_url_with_a_path_prefix_is_kept(connect: Any) -> None:
    client, api = connect(ok([]), base_url="https://proxy.example.com/jetemail/")
    client.list_domains()
    assert str(api.requests[0].url) == "https://proxy.example.com/jetemail/inbound/domains"


def test_a_uuid_cannot_change_the_path(connect: Any) -> None:
    client, api = connect(ok(DOMAIN))
    client.get_domain("../../domains?x=1")
    assert api.calls == ["GET /inbound/settings/..%2F..%2Fdomains%3Fx%3D1"]


@pytest.mark.parametrize("uuid", ["", None])
def test_an_empty_uuid_is_a_programming_error(connect: Any, uuid: Any) -> None:
    client, api = connect(ok(DOMAIN))
    with pytest.raises(ValueError, match="uuid"):
        client.get_domain(uuid)
    assert api.requests == []


@pytest.mark.parametrize("key", [None, ""])
def test_without_a_key_the_first_call_fails_before_sending(connect: Any, key: Any) -> None:
    client, api = connect(ok([]), api_key=key)  # constructing is fine
    with pytest.raises(ConfigError, match="no JetEmail API key") as caught:
        client.list_domains()
    assert "pulumi" not in str(caught.value)  # where to set it is the provider's to say
    assert api.requests == []


def test_the_http_client_has_explicit_timeouts() -> None:
    assert DEFAULT_TIMEOUT.connect == 5.0
    assert DEFAULT_TIMEOUT.read == 30.0
    assert DEFAULT_TIMEOUT.write == 30.0


def test_the_client_refuses_plain_http_to_a_remote_host() -> None:
    with pytest.raises(ConfigError, match="https"):
        JetEmailClient(KEY, "http://example.com")


@pytest.mark.parametrize("rpm", [0, -1, 10**6])
def test_the_client_refuses_a_nonsense_rate(rpm: int) -> None:
    with pytest.raises(ConfigError, match="requests_per_minute"):
        JetEmailClient(KEY, requests_per_minute=rpm)


def test_pacing_over_the_apis_limit_warns_of_the_lockout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="pulumi_jetemail"):
        JetEmailClient(KEY, requests_per_minute=240).close()
        assert caplog.records == []
        JetEmailClient(KEY, requests_per_minute=300).close()
    (warning,) = caplog.records
    assert "over the API's 240" in warning.getMessage()
    assert "blocks the account for 5 minutes" in warning.getMessage()


def test_the_client_cannot_be_pickled(connect: Any) -> None:
    client, _ = connect()
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client)
    assert KEY not in repr(client)


# --- retries ----------------------------------------------------------------------------


def test_a_get_survives_two_503s(connect: Any, fake_time: FakeTime) -> None:
    client, api = connect(fail(503, error="busy"), fail(503, error="busy"), ok([DOMAIN]))
    assert client.list_domains() == [DOMAIN]
    assert len(api.requests) == 3
    assert fake_time.sleeps == [0.5, 1.0]  # exponential backoff (jitter off)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_calls_retry_the_transient_statuses(connect: Any, status: int) -> None:
    client, api = connect(fail(status, error="transient"), ok(message="updated"))
    client.update_domain(UUID, {"status": "active"})
    assert len(api.requests) == 2


def test_a_429_honours_retry_after_and_warns_how_long(
    connect: Any, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    client, api = connect(
        fail(429, headers={"Retry-After": "2"}, error="rate limit exceeded"), ok([])
    )
    with caplog.at_level(logging.WARNING, logger="pulumi_jetemail"):
        assert client.list_domains() == []
    assert len(api.requests) == 2
    assert fake_time.sleeps == [pytest.approx(2.0)]
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.name == "pulumi_jetemail"
    assert warning.getMessage() == (
        "JetEmail rate limit hit (429 on GET /inbound/domains); pausing all requests for 2.0 s"
    )


def test_a_429_on_create_is_retried_because_the_api_did_not_process_it(connect: Any) -> None:
    client, api = connect(fail(429, headers={"Retry-After": "1"}, error="slow down"), ok(DOMAIN))
    assert client.create_domain({"domain": "example.com"}) == DOMAIN
    assert len(api.requests) == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_create_that_fails_on_the_server_is_not_sent_again(connect: Any, status: int) -> None:
    client, api = connect(fail(status, error="upstream failed"), ok(DOMAIN))
    with pytest.raises(ServerError) as caught:
        client.create_domain({"domain": "example.com"})
    assert len(api.requests) == 1
    assert caught.value.maybe_processed  # the provider must look before posting again


def test_a_create_that_never_connected_is_retried(connect: Any) -> None:
    client, api = connect(httpx.ConnectError, ok(DOMAIN))
    assert client.create_domain({"domain": "example.com"}) == DOMAIN
    assert len(api.requests) == 2


def test_a_create_whose_connection_timed_out_before_sending_is_retried(connect: Any) -> None:
    client, api = connect(httpx.ConnectTimeout, ok(DOMAIN))
    assert client.create_domain({"domain": "example.com"}) == DOMAIN
    assert len(api.requests) == 2


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (httpx.ReadTimeout, APITimeoutError),
        (httpx.WriteTimeout, APITimeoutError),
        (httpx.ReadError, APIConnectionError),
        (httpx.RemoteProtocolError, APIConnectionError),
    ],
)
def test_a_create_lost_after_sending_is_ambiguous_and_not_retried(
    connect: Any, failure: type[httpx.TransportError], error_class: type[APIError]
) -> None:
    client, api = connect(failure, ok(DOMAIN))
    with pytest.raises(error_class) as caught:
        client.create_forward_rule(UUID, {"localpart": "info", "destination": "a@b.example"})
    assert len(api.requests) == 1
    assert caught.value.maybe_processed


def test_a_patch_that_keeps_timing_out_gives_up_after_the_retries(
    connect: Any, fake_time: FakeTime
) -> None:
    client, api = connect(httpx.ReadTimeout)
    with pytest.raises(APITimeoutError) as caught:
        client.update_domain(UUID, {"status": "disabled"})
    assert len(api.requests) == 6  # 1 + max_retries (5)
    assert caught.value.maybe_processed is True
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert f"PATCH /inbound/settings/{UUID}" in str(caught.value)


def test_a_get_that_cannot_connect_says_nothing_was_sent(connect: Any) -> None:
    client, api = connect(httpx.ConnectError, max_retries=2)
    with pytest.raises(APIConnectionError) as caught:
        client.get_domain(UUID)
    assert len(api.requests) == 3
    assert caught.value.maybe_processed is False
    assert "https://api.jetemail.com" in str(caught.value)


def test_rate_limit_errors_carry_retry_after_when_retries_run_out(connect: Any) -> None:
    client, api = connect(fail(429, headers={"Retry-After": "3"}, error="slow"), max_retries=1)
    with pytest.raises(RateLimitError) as caught:
        client.list_domains()
    assert len(api.requests) == 2
    assert caught.value.retry_after == 3.0
    assert caught.value.maybe_processed is False


def test_max_retries_zero_means_one_attempt(connect: Any) -> None:
    client, api = connect(fail(503, error="busy"), ok([]), max_retries=0)
    with pytest.raises(ServerError):
        client.list_domains()
    assert len(api.requests) == 1


def test_a_503_retry_after_is_honoured(connect: Any, fake_time: FakeTime) -> None:
    client, _ = connect(fail(503, headers={"Retry-After": "7"}, error="maintenance"), ok([]))
    client.list_domains()
    assert fake_time.sleeps == [7.0]


def test_a_huge_retry_after_is_capped(connect: Any, fake_time: FakeTime) -> None:
    client, _ = connect(fail(429, headers={"Retry-After": "86400"}, error="slow"), ok([]))
    client.list_domains()
    assert fake_time.sleeps == [330.0]


def test_every_attempt_takes_a_rate_limit_slot(connect: Any) -> None:
    taken: list[float] = []

    class CountingLimiter(RateLimiter):
        def acquire(self) -> float:
            taken.append(slot := super().acquire())
            return slot

    client, _ = connect(
        fail(503, error="busy"), fail(502, error="busy"), ok([]), limiter=CountingLimiter(200)
    )
    client.list_domains()
    assert len(taken) == 3


def test_the_limiter_paces_a_busy_client(connect: Any, fake_time: FakeTime) -> None:
    client, _ = connect(ok([]), requests_per_minute=60)  # burst 3, then one a second
    for _ in range(6):
        client.list_domains()
    assert fake_time.sleeps == pytest.approx([1.0, 1.0, 1.0])


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, ValidationError),
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, APIStatusError),
        (500, ServerError),
    ],
)
def test_a_client_error_is_raised_at_once_as_its_class(
    connect: Any, status: int, error_class: type[APIStatusError]
) -> None:
    client, api = connect(fail(status, error="the API says no"), ok(DOMAIN))
    with pytest.raises(error_class) as caught:
        client.get_domain(UUID)
    assert type(caught.value) is error_class
    assert len(api.requests) == 1
    error = caught.value
    assert error.status == status
    assert error.message.startswith("the API says no")
    assert str(error).startswith(f"JetEmail API GET /inbound/settings/{UUID}: {status} ")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        pytest.param(
            fail(400, error="domain: invalid domain name", message="nope"),
            "domain: invalid domain name",
            id="`error` first",
        ),
        pytest.param(
            fail(400, message="webhook_url is required"),
            "webhook_url is required",
            id="then `message`",
        ),
        pytest.param(
            fail(400, error={"field": "domain", "reason": "invalid"}),
            '{"field":"domain","reason":"invalid"}',
            id="a structured `error` as compact JSON",
        ),
        pytest.param(
            httpx.Response(400, text="<html>  Bad\n request </html>"),
            "<html> Bad request </html>",
            id="then the raw text",
        ),
        pytest.param(httpx.Response(400, text="x" * 5000), "x" * 299 + "…", id="text truncated"),
        pytest.param(httpx.Response(400), "Bad Request", id="then the reason phrase"),
    ],
)
def test_the_error_message_is_the_apis_own(
    connect: Any, answer: httpx.Response, message: str
) -> None:
    client, _ = connect(answer)
    with pytest.raises(ValidationError) as caught:
        client.create_domain({"domain": "x"})
    assert caught.value.message == message


def test_a_forbidden_non_account_key_gets_a_hint(connect: Any) -> None:
    client, _ = connect(fail(403, error="forbidden"), api_key="transactional_abc")
    with pytest.raises(AuthError, match="does not start with `api_`"):
        client.list_domains()


def test_an_unauthorized_account_key_points_at_where_it_is_set(connect: Any) -> None:
    client, _ = connect(fail(401, error="invalid api key"))
    with pytest.raises(AuthError, match="check the API key") as caught:
        client.list_domains()
    assert "jetemail:" not in str(caught.value)  # the client knows nothing of Pulumi config


def test_a_redirect_is_not_followed(connect: Any) -> None:
    client, api = connect(httpx.Response(301, headers={"Location": "https://evil.example"}))
    with pytest.raises(APIStatusError) as caught:
        client.list_domains()
    assert caught.value.status == 301
    assert len(api.requests) == 1


def test_a_2xx_that_is_not_json_is_an_error_that_may_have_been_processed(connect: Any) -> None:
    client, api = connect(httpx.Response(200, text="<html>oops</html>"))
    with pytest.raises(APIStatusError, match="not JSON") as caught:
        client.create_domain({"domain": "example.com"})
    assert caught.value.maybe_processed
    assert len(api.requests) == 1


def test_a_2xx_that_says_it_failed_is_an_error(connect: Any) -> None:
    client, _ = connect(httpx.Response(200, json={"success": False, "error": "quota reached"}))
    with pytest.raises(APIStatusError, match="quota reached"):
        client.create_domain({"domain": "example.com"})


@pytest.mark.parametrize(
    ("call", "answer"),
    [
        (lambda c: c.list_domains(), ok({"not": "a list"})),
        (lambda c: c.list_domains(), ok(["not a dict"])),
        (lambda c: c.get_domain(UUID), ok(["a list"])),
        (lambda c: c.create_domain({}), ok(message="created")),
    ],
)
def test_an_answer_of_the_wrong_shape_is_an_error(
    connect: Any, call: Callable[[JetEmailClient], object], answer: httpx.Response
) -> None:
    client, _ = connect(answer)
    with pytest.raises(APIError, match="unexpected answer"):
        call(client)


# --- no key, no body, ever ------------------------------------------------------------------

ECHO = "webhook_auth_header=Bearer hook-s3cret"


@pytest.mark.parametrize("key", [KEY, "sk_not_shaped_like_a_key_0042"])
@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(lambda key: fail(401, error=f"invalid key {key}"), id="401 echoing the key"),
        pytest.param(lambda key: fail(403, message=f"key {key} refused"), id="403 echoing it"),
        pytest.param(
            lambda key: httpx.Response(400, text=f"bad request, key={key}, {ECHO}"),
            id="raw text echoing the key and a header",
        ),
        pytest.param(lambda key: fail(500, error=f"trace: Authorization: Bearer {key}"), id="500"),
        pytest.param(lambda key: fail(429, error=f"{key} is over the limit"), id="429"),
        pytest.param(lambda key: httpx.ConnectError, id="connect error"),
        pytest.param(lambda key: httpx.ReadTimeout, id="read timeout"),
    ],
)
def test_no_error_or_log_line_ever_holds_the_key(
    connect: Any,
    caplog: pytest.LogCaptureFixture,
    key: str,
    answer: Callable[[str], Answer],
) -> None:
    client, _ = connect(answer(key), api_key=key, max_retries=1)
    body = {"domain": "example.com", "webhook_auth_header": "hook-s3cret"}
    caplog.set_level(logging.DEBUG, logger="pulumi_jetemail")
    with pytest.raises(APIError) as caught:
        client.create_domain(body)
    error = caught.value
    for text in (str(error), repr(error), error.message, *(r.getMessage() for r in caplog.records)):
        assert key not in text
        assert "hook-s3cret" not in text


def test_debug_log_lines_show_method_path_status_and_time_only(
    connect: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = connect(fail(503, error="busy"), ok(DOMAIN))
    with caplog.at_level(logging.DEBUG, logger="pulumi_jetemail"):
        client.get_domain(UUID)
        client.update_domain(UUID, {"webhook_auth_header": "Bearer hook-s3cret"})
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert debug == [
        f"GET /inbound/settings/{UUID} -> 503 (0 ms)",
        f"GET /inbound/settings/{UUID} -> 200 (0 ms)",
        f"PATCH /inbound/settings/{UUID} -> 200 (0 ms)",
    ]
    everything = " ".join(r.getMessage() for r in caplog.records)
    assert "hook-s3cret" not in everything
    assert "Bearer" not in everything
    assert "example.com" not in everything


# --- sharing --------------------------------------------------------------------------------


def test_one_client_per_settings_per_process() -> None:
    settings = ClientSettings(KEY)
    assert shared_client(settings) is shared_client(ClientSettings(KEY))
    assert shared_client(ClientSettings("api_other")) is not shared_client(settings)


def test_clients_of_one_account_share_one_rate_limiter() -> None:
    a = shared_client(ClientSettings(KEY, requests_per_minute=200))
    b = shared_client(ClientSettings(KEY, requests_per_minute=100))
    other = shared_client(ClientSettings("api_other"))
    assert a is not b
    assert a.limiter is b.limiter
    assert other.limiter is not a.limiter


def test_shared_client_is_thread_safe() -> None:
    settings = ClientSettings(KEY, "http://127.0.0.1:8025")
    got: list[JetEmailClient] = []
    barrier = threading.Barrier(16)

    def take() -> None:
        barrier.wait()
        got.append(shared_client(settings))

    threads = [threading.Thread(target=take) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(got) == 16
    assert all(client is got[0] for client in got)


def test_a_429_in_one_thread_holds_every_other_thread() -> None:
    manual = ManualClock()
    limiter = RateLimiter(200, clock=manual.clock, sleep=manual.sleep)
    answers = Api(fail(429, headers={"Retry-After": "5"}, error="slow down"), ok([]))
    transport = httpx.MockTransport(answers)
    first, second = (
        JetEmailClient(
            KEY, transport=transport, limiter=limiter, clock=manual.clock, sleep=manual.sleep
        )
        for _ in range(2)
    )
    results: list[object] = []
    hit = threading.Thread(target=lambda: results.append(first.list_domains()))
    hit.start()
    manual.wait_for_sleepers(1)  # got the 429, waiting out the pause
    other = threading.Thread(target=lambda: results.append(second.list_domains()))
    other.start()
    manual.wait_for_sleepers(2)  # the other thread waits too, before sending anything
    assert len(answers.requests) == 1
    manual.advance(5.0)
    hit.join(timeout=10)
    other.join(timeout=10)
    assert results == [[], []]
    assert len(answers.requests) == 3
    first.close()
    second.close()


def test_the_tls_context_is_made_once_per_process_and_verifies() -> None:
    import ssl

    from pulumi_jetemail._process import tls_context

    public = tls_context("https://api.jetemail.com")
    assert tls_context("https://api.eu.example.com") is public  # made once
    assert public.verify_mode == ssl.CERT_REQUIRED
    assert public.check_hostname
    assert public.cert_store_stats()["x509_ca"] > 0  # the CA bundle, loaded
    loopback = tls_context("http://127.0.0.1:8080")  # no TLS is ever sent there
    assert loopback.verify_mode == ssl.CERT_REQUIRED
    assert loopback.cert_store_stats()["x509_ca"] == 0  # and it would trust nothing
