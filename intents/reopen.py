"""“没修好 / 还是漏”: the fault came back after the ticket was closed."""

from __future__ import annotations

import re

_REOPEN = re.compile(
    r"没修好|没有修好|没弄好|没处理好|修了(?:也)?没用|根本没修|白修|没解决|问题还在|还没好|又坏|又漏|又堵|又不亮|"
    r"还是(?:漏|坏|不亮|堵|不行|有问题|滴|不通|没水|没电|不转|响)|又(?:开始)?(?:漏|坏|堵|滴|不亮|不通)(?:了|水)?"
)


def is_reopen(text: str) -> bool:
    return bool(_REOPEN.search(text))
