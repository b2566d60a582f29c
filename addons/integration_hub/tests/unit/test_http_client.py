import logging

import pytest
import requests
import responses

from odoo.addons.integration_hub.lib import http_client
from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError

URL = "https://partner.example.com/hub"
BASE = "https://partner.example.com/api"


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


# --- the one client base: retries by type, short waits only, credentials, redacted logs ----------
class Partner(http_client.HttpClient):
    name = "Partner"
    retry_on = (http_client.RATE_LIMITED, http_client.SERVER_ERROR)
    attempts = 3

    def __init__(self, **settings):
        self.slept, self.lines, self.refreshes, self.token = [], [], 0, "old-token"
        super().__init__(
            "https://partner.example.com/api",
            secrets=["s3cr3t-key"],
            sleep=self.slept.append,
            log=lambda what, text: self.lines.append(text),
            **settings,
        )

    def authorize(self, call):
        call["headers"]["Authorization"] = f"Bearer {self.token}"

    def refresh_authorization(self):
        self.refreshes += 1
        self.token = "new-token"
        return True


@responses.activate
def test_short_waits_are_retried_in_process_long_ones_go_to_the_caller():
    responses.get(BASE + "/items", status=503)
    responses.get(BASE + "/items", status=429, headers={"Retry-After": "1"})
    responses.get(BASE + "/items", json=[1])
    client = Partner()
    assert client.request("GET", "items", "list").json() == [1]
    assert client.slept == [1.0, 1], "5xx: backoff 1 s; 429: its Retry-After"
    responses.replace(responses.GET, BASE + "/items", status=429, headers={"Retry-After": "600"})
    client = Partner()
    with pytest.raises(RetryableError) as info:
        client.request("GET", "items", "list")
    assert (info.value.seconds, client.slept) == (600, []), "never sleeps through a long limit"


@responses.activate
def test_kinds_not_retried_in_process_go_straight_to_the_caller():
    responses.get(BASE + "/items", body=requests.ConnectTimeout("slow"))
    client = Partner()
    with pytest.raises(RetryableError, match="Partner list: timed out"):
        client.request("GET", "items", "list")
    assert len(responses.calls) == 1


@responses.activate
def test_401_is_the_core_auth_error_after_one_token_renewal():
    from odoo.addons.integration_hub.lib.errors import AuthError

    responses.get(BASE + "/items", status=401)
    responses.get(BASE + "/items", json=[2])
    client = Partner()
    assert client.request("GET", "items", "list").json() == [2]
    assert (client.refreshes, responses.calls[1].request.headers["Authorization"]) == (1, "Bearer new-token")
    responses.replace(responses.GET, BASE + "/items", status=403)
    with pytest.raises(AuthError, match="credentials refused"):
        Partner().request("GET", "items", "list")


@responses.activate
def test_accepted_statuses_are_returned_for_the_caller_to_read():
    responses.post(BASE + "/labels", status=422, json={"messages": ["street too long"]})
    assert Partner().request("POST", "labels", "label", accept=(422,)).status_code == 422


@responses.activate
def test_logs_never_carry_a_credential():
    responses.post(BASE + "/token", json={"access_token": "eyJ-secret-token", "ok": "s3cr3t-key"})
    responses.get(BASE + "/keys/s3cr3t-key", json={})
    client = Partner()
    client.request("POST", "token", "token", json={"password": "pa55"}, headers={"X-Api-Key": "s3cr3t-key"})
    client.request("GET", "keys/s3cr3t-key", "key")  # a secret in the path itself
    text = "\n".join(client.lines)
    for secret in ("s3cr3t-key", "eyJ-secret-token", "old-token", "pa55"):
        assert secret not in text, secret
    assert "***" in text


def test_cost_bucket_pacing_waits_only_what_fits():
    client = Partner()
    client.record_cost(available=10, restore_rate=100, cost=50, maximum=1000)
    client.pace("query")
    assert client.slept == [0.4], "40 points missing at 100/s"
    client.record_cost(available=0, restore_rate=1, cost=50)
    with pytest.raises(RetryableError) as info:
        client.pace("query")
    assert info.value.seconds == 50


@responses.activate
def test_debug_log_holds_no_personal_data_of_an_answer_nor_a_query(caplog):
    address = {"name": "Lucía Ferrer", "street": "Carrer de Colón 14", "phone": "+34600111222"}
    responses.get(BASE + "/orders/7", json={"id": 7, "shipping_address": address})
    client = http_client.HttpClient(BASE, secrets=["s3cr3t-key"])  # no log callback: Python's logging at DEBUG
    with caplog.at_level(logging.DEBUG, logger="odoo.addons.integration_hub.lib.http_client"):
        answer = client.request("GET", "orders/7", "order", params={"email": "lucia@correo.test"})
        client.request("GET", "orders/7", "order", json={"note": "for Lucía Ferrer"})
    assert answer.json()["shipping_address"] == address, "the caller still reads the whole answer"
    assert f"order: GET {BASE}/orders/7 (attempt 1): sent 0 bytes; HTTP 200, {len(answer.content)} bytes" in caplog.text
    for personal in ("Lucía", "Colón", "600111222", "lucia", "correo.test", "email"):
        assert personal not in caplog.text, personal
