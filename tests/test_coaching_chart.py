"""The coaching chart a rep looks at: each reference line says what it means, and the legend sits
outside the plot, where it cannot cover a bar."""

import datetime as dt
from pathlib import Path

import pandas as pd

from se_pipeline.coaching.reports import REFERENCE_LINES, RepWeek, chart_figure
from se_pipeline.coaching import AREAS

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def rep_week() -> RepWeek:
    # Scores near 100 put bars where a legend inside the plot would sit.
    scores = {a.name: {"score": 95.0 - 4 * i, "team_avg": 88.0} for i, a in enumerate(AREAS)}
    return RepWeek("sam", "Sam Roe", dt.date(2026, 3, 2), scores, pd.DataFrame(), None)


def test_reference_lines_are_labelled_and_the_legend_is_outside_the_bars():
    import matplotlib.pyplot as plt

    fig = chart_figure(rep_week())
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert {f"{x}: {meaning}" for x, meaning in REFERENCE_LINES} <= labels
    renderer = fig.canvas.get_renderer()
    plot_area = ax.get_window_extent(renderer)
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= plot_area.x1  # beside the plot, not over it
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["You", "Team average"]
    texts = [t.get_window_extent(renderer) for t in [*ax.texts, ax.title]]
    assert all(fig.bbox.contains(b.x1 - 1, b.y1 - 1) for b in texts)  # nothing cut off
    assert not any(a.overlaps(b) for i, a in enumerate(texts) for b in texts[i + 1:])  # no label on another
    ARTIFACTS.mkdir(exist_ok=True)
    fig.savefig(ARTIFACTS / "coaching-chart.png", dpi=100)
    plt.close(fig)
