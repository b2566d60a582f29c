import pytest
import responses

from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError
from odoo.addons.integration_hub_shopify.lib.shopify_client import AuthError, ShopifyClient
from odoo.addons.integration_hub_shopify.tests.shopify_fake import FakeShopify

ORDERS = """query HubOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query) { pageInfo { hasNextPage endCursor }
  nodes { id updatedAt lineItems(first: 20) { nodes { id } } } } }"""


@pytest.fixture
def shop():
    with responses.RequestsMock() as mock:
        yield FakeShopify().install(mock)


def client(shop, **kwargs):
    return ShopifyClient(shop.domain, shop.token, shop.version, sleep=shop.advance, **kwargs)


def test_query_returns_data_and_tracks_the_bucket(shop):
    api = client(shop)
    assert api.execute("query HubShop { shop { name } }")["shop"]["name"] == "Hub Test Shop"
    assert api.bucket["maximum"] == 2000


def test_pagination_follows_end_cursor_and_splits_pages_above_the_max_cost(shop):
    for number in range(30):
        shop.add_order(str(1000 + number), f"2026-11-20T10:{number:02d}:00Z")
    nodes = list(client(shop).paginate(ORDERS, {"query": None}, ["orders"], page_size=250))
    assert [n["legacyResourceId"] for n in nodes] == [str(1000 + n) for n in range(30)]
    sizes = [variables["first"] for _op, variables in shop.calls]
    assert sizes[0] == 250, "asks for 250 first"
    assert all(2 + size * 22 <= 1000 for size in sizes[1:]), "then pages that fit the single-query maximum"
    assert len(sizes) == 1 + -(-30 // sizes[1])


def test_throttled_waits_for_the_bucket_then_retries(shop):
    shop.available = 1  # almost empty: the next query (cost 3) is THROTTLED
    api = client(shop)
    assert api.execute("query HubShop { shop { name } }")["shop"]
    assert shop.operations() == ["HubShop", "HubShop"]
    assert shop.slept and shop.slept[0] == pytest.approx((3 - 1) / 100)


def test_paces_itself_when_the_bucket_runs_low(shop):
    api = client(shop)
    api.execute("query HubShop { shop { name } }")
    shop.available = 1
    api.bucket["available"] = 1
    api.execute("query HubShop { shop { name } }")
    assert shop.slept == [pytest.approx(0.02)], "waited for the missing 2 points at 100/s before asking"
    assert shop.operations() == ["HubShop", "HubShop"], "no THROTTLED round trip"


def test_long_throttle_is_left_to_the_outbox_backoff(shop):
    shop.available = 0
    shop.restore_rate = 0.1  # 3 points would take 30 s
    with pytest.raises(RetryableError) as error:
        client(shop, max_wait=10).execute("query HubShop { shop { name } }")
    assert error.value.seconds >= 30


def test_429_honours_retry_after(shop):
    shop.fail_next((429, {"Retry-After": "2"}))
    assert client(shop).execute("query HubShop { shop { name } }")["shop"]
    assert shop.slept == [2.0]
    shop.fail_next((429, {"Retry-After": "60"}))
    with pytest.raises(RetryableError) as error:
        client(shop).execute("query HubShop { shop { name } }")
    assert error.value.seconds >= 60


@pytest.mark.parametrize("failure", [503, 500, "timeout", "connection"])
def test_server_errors_and_network_failures_are_retryable(shop, failure):
    shop.fail_next(failure)
    with pytest.raises(RetryableError):
        client(shop).execute("query HubShop { shop { name } }")


def test_revoked_token_is_an_auth_error(shop):
    api = client(shop)
    shop.revoke()
    with pytest.raises(AuthError):
        api.execute("query HubShop { shop { name } }")


def test_other_4xx_is_permanent(shop):
    shop.fail_next(404)
    with pytest.raises(PermanentError) as error:
        client(shop).execute("query HubShop { shop { name } }")
    assert not isinstance(error.value, AuthError)
