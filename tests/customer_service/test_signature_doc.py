"""The signature check documented for receivers accepts the relay's signatures, and only those."""

from __future__ import annotations

import re
import time
from pathlib import Path

from oms.relay.senders import sign

DOC = Path(__file__).resolve().parents[2] / "docs" / "communications.md"


def test_the_documented_receiver_check_accepts_fresh_signatures_and_rejects_tampering_and_replays() -> None:
    [example] = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(example.strip().splitlines()) <= 10
    scope: dict = {}
    exec(example, scope)  # the doc's own code, as a receiver would paste it
    verified = scope["verified"]
    body = b'{"id":1,"type":"order.created"}'
    assert verified("s" * 16, body, sign("s" * 16, body))
    assert not verified("s" * 16, body + b" ", sign("s" * 16, body))
    assert not verified("t" * 16, body, sign("s" * 16, body))
    assert not verified("s" * 16, body, sign("s" * 16, body, at=int(time.time()) - 3600))
