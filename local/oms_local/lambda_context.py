"""A Lambda-like context object, built in a function container for each invocation."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from oms_local import REGION

LOCAL_ACCOUNT_ID = "000000000000"


@dataclass
class LambdaContext:
    """Attributes and methods of the Python runtime's context object that handlers use."""

    function_name: str
    memory_limit_in_mb: int = 128
    timeout_s: float = 3.0
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    region: str = REGION
    identity: object | None = None
    client_context: object | None = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        date = time.strftime("%Y/%m/%d", time.gmtime())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"{date}/[{self.function_version}]{uuid.uuid4().hex}"
        self.invoked_function_arn = f"arn:aws:lambda:{self.region}:{LOCAL_ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
