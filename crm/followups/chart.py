"""The weekly chart: visits and follow-ups done per day, and the open pipeline by stage, drawn from plain
data (safe in a worker thread)."""

from __future__ import annotations

import io

from crm.followups.digest import WeeklyData


def render_weekly_chart(data: WeeklyData) -> bytes:
    """A PNG bar chart of visits and follow-ups done per day (matplotlib Agg; safe in a worker thread)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5.2 if data.pipeline else 3.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(2, 1, 1) if data.pipeline else figure.add_subplot(1, 1, 1)
    positions = list(range(len(data.days)))
    width = 0.4
    axes.bar([p - width / 2 for p in positions], data.visits, width=width, label="Visits", color="#4C78A8")
    axes.bar([p + width / 2 for p in positions], data.done, width=width, label="Follow-ups done", color="#59A14F")
    ticks = [p for p, day in enumerate(data.days) if day.weekday() == 0]
    axes.set_xticks(ticks, [data.days[p].strftime("%m-%d") for p in ticks])
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", frameon=False)
    axes.set_title("Last weeks: visits and follow-ups done per day", fontsize=10)
    if data.pipeline:
        funnel = figure.add_subplot(2, 1, 2)
        labels = [stage.label_en for stage in data.pipeline]  # the bundled fonts have no CJK glyphs
        funnel.barh(labels[::-1], [stage.count for stage in data.pipeline][::-1], color="#F28E2B")
        funnel.xaxis.get_major_locator().set_params(integer=True)
        funnel.spines[["top", "right"]].set_visible(False)
        funnel.set_title("Open pipeline now: deals per stage", fontsize=10)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
