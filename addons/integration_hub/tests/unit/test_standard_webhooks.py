import base64
import hashlib
import hmac

import pytest

from odoo.addons.integration_hub.lib import standard_webhooks as sw
from odoo.addons.integration_hub.lib.errors import SignatureError

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"test": 2432232314}'


def headers(msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", ts="1614265330", sig=None):
    sig = sig or sw.sign(SECRET, msg_id, ts, BODY)
    return {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": sig}


def test_signature_matches_the_spec_reference_vector():
    # The Standard Webhooks reference example (spec, "Verifying webhooks").
    assert sw.sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", BODY) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_signature_is_hmac_sha256_of_id_timestamp_body():
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, b"a.1." + BODY, hashlib.sha256).digest()).decode()
    assert sw.sign(SECRET, "a", "1", BODY) == "v1," + expected


def test_valid_signature_returns_the_message_id():
    assert sw.verify(SECRET, headers(), BODY, now=1614265330) == "msg_p5jXN8AQM9LWM0D4loKWxJek"


def test_one_valid_signature_among_several_is_enough():
    h = headers()
    h["webhook-signature"] = "v1,Zm9v " + h["webhook-signature"]
    assert sw.verify(SECRET, h, BODY, now=1614265330)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda h, b: (h, b + b" "),  # body changed
        lambda h, b: ({**h, "webhook-id": "other"}, b),  # id changed
        lambda h, b: ({**h, "webhook-signature": "v1,AAAA"}, b),
        lambda h, b: ({**h, "webhook-signature": "v2," + h["webhook-signature"][3:]}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b),
    ],
)
def test_tampering_is_refused(mutate):
    h, b = mutate(headers(), BODY)
    with pytest.raises(SignatureError):
        sw.verify(SECRET, h, b, now=1614265330)


def test_wrong_secret_is_refused():
    with pytest.raises(SignatureError):
        sw.verify(sw.generate_secret(), headers(), BODY, now=1614265330)


@pytest.mark.parametrize("skew", [-301, 301, 3600])
def test_timestamp_outside_the_window_is_refused(skew):
    with pytest.raises(SignatureError, match="window"):
        sw.verify(SECRET, headers(), BODY, now=1614265330 + skew)


@pytest.mark.parametrize("skew", [-300, 0, 299])
def test_timestamp_inside_the_window_is_accepted(skew):
    assert sw.verify(SECRET, headers(), BODY, now=1614265330 + skew)


def test_error_messages_never_contain_the_secret_or_expected_signature():
    with pytest.raises(SignatureError) as info:
        sw.verify(SECRET, headers(sig="v1,AAAA"), BODY, now=1614265330)
    text = str(info.value)
    assert SECRET[6:] not in text and sw.sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", BODY) not in text


def test_generated_secrets_are_random_and_well_formed():
    a, b = sw.generate_secret(), sw.generate_secret()
    assert a != b and a.startswith("whsec_") and len(sw.secret_bytes(a)) == 32
