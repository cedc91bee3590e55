"""Charts as inline SVG drawn on the server by pygal.

Why pygal: the console must work without the internet and inside WeChat's in-app browser, so
nothing is fetched and nothing needs JavaScript: the SVG is part of the page, its labels are
text the browser draws with the page's CJK fonts (the PNG from `wuye report --chart` needs a
CJK font installed for matplotlib; here the reader's browser has one). pygal's own tooltip
script comes from a CDN, so it is switched off (`js=[]`)."""

from __future__ import annotations

from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#333", foreground_strong="#111",
    foreground_subtle="#ccc", colors=("#3182bd", "#9ecae1", "#e6550d", "#31a354", "#756bb1"),
    font_family=FONT, label_font_family=FONT, major_label_font_family=FONT, value_font_family=FONT,
    value_label_font_family=FONT, tooltip_font_family=FONT, title_font_family=FONT, legend_font_family=FONT,
    # The SVG is scaled to its box (720 units across about 560 px): these read as 12-14 px.
    label_font_size=15, major_label_font_size=15, legend_font_size=16, title_font_size=19,
    no_data_font_size=28,
)
_COMMON: dict[str, Any] = {"style": STYLE, "js": [], "disable_xml_declaration": True, "height": 300, "width": 720,
                           "legend_at_bottom": True, "print_values": False, "explicit_size": False,
                           "no_data_text": "暂无数据", "truncate_label": -1}


def _count_axis(*series: list[int]) -> dict[str, Any]:
    """Whole numbers on a count axis (pygal would label 0.1, 0.2 … for one ticket)."""
    top = max([4, *(v for values in series for v in values if v is not None)])
    step = max(1, -(-top // 5))
    return {"y_labels": list(range(0, top + step, step)), "range": (0, top + step - 1 if top % step else top)}


def _svg(chart: Any, title: str) -> Markup:
    svg = chart.render(is_unicode=True)
    # role/aria-label: screen readers and tests find the chart by what it shows.
    return Markup(f'<figure class="chart" role="img" aria-label="{title}">{svg}</figure>')


def trend(weeks: list[str], opened: list[int], done: list[int], satisfied: list[float | None]) -> Markup:
    """Weekly volume (bars) and the share satisfied with 4-5 (a line), one chart each: pygal
    draws a bar chart's second axis as bars too, which reads worse than two plain charts."""
    volume = pygal.Bar(title="每周工单量", x_label_rotation=30, **_count_axis(opened, done), **_COMMON)
    volume.x_labels = weeks
    volume.add("新建", opened)
    volume.add("已完成", done)
    share = pygal.Line(title="每周满意率（4-5分，%）", x_label_rotation=30, range=(0, 100), allow_interruptions=True,
                       **_COMMON)
    share.x_labels = weeks
    share.add("满意率", [None if v is None else round(v * 100) for v in satisfied])
    return Markup(_svg(volume, "每周工单量") + _svg(share, "每周满意率"))


def bars(title: str, labels: list[str], series: dict[str, list[Any]], counts: bool = True) -> Markup:
    """Grouped bars; `counts`: whole-number axis, else a 0-100 percentage axis."""
    axis = _count_axis(*series.values()) if counts else {"range": (0, 100)}
    chart = pygal.Bar(title=title, x_label_rotation=30, **axis, **_COMMON)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _svg(chart, title)
