import pytest
import requests
import responses

from odoo.addons.integration_hub.lib import http_client
from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError

URL = "https://partner.example.com/hub"


@responses.activate
def test_2xx_returns_the_response():
    responses.post(URL, json={"ok": True}, status=202)
    assert http_client.send(requests.Session(), "POST", URL, "push").status_code == 202


@responses.activate
def test_429_is_retryable_with_retry_after():
    responses.post(URL, status=429, headers={"Retry-After": "17"})
    with pytest.raises(RetryableError) as info:
        http_client.send(requests.Session(), "POST", URL, "push")
    assert info.value.seconds == 17


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retryable(status):
    responses.post(URL, status=status)
    with pytest.raises(RetryableError):
        http_client.send(requests.Session(), "POST", URL, "push")


@responses.activate
@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_4xx_is_permanent(status):
    responses.post(URL, status=status, body="bad sku")
    with pytest.raises(PermanentError, match=str(status)):
        http_client.send(requests.Session(), "POST", URL, "push")


@responses.activate
def test_timeouts_and_connection_errors_are_retryable():
    responses.post(URL, body=requests.ConnectTimeout("slow"))
    with pytest.raises(RetryableError, match="timed out"):
        http_client.send(requests.Session(), "POST", URL, "push")
    responses.replace(responses.POST, URL, body=requests.ConnectionError("down"))
    with pytest.raises(RetryableError, match="connection"):
        http_client.send(requests.Session(), "POST", URL, "push")


def test_retry_after_http_date():
    assert http_client.retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480) == 30
    assert http_client.retry_after_seconds("garbage") is None
    assert http_client.retry_after_seconds(None) is None
