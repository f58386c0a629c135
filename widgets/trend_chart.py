"""A comparison answer's chart beside its table (textual-plotext)."""

from __future__ import annotations

from typing import Any

from textual_plotext import PlotextPlot

from widgets.format import Chart


class TrendChart(PlotextPlot):
    """A trend as a line over years, a ranking as bars labelled with the table's [n]; values in the report's unit."""

    def __init__(self, chart: Chart, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.chart = chart

    def on_mount(self) -> None:
        plt, chart = self.plt, self.chart
        values = [float(v) for v in chart.values]
        if chart.kind == "line":
            years = [int(y) for y in chart.labels]
            plt.plot(years, values, marker="braille")
            plt.scatter(years, values, marker="dot")
            plt.xticks(years, chart.labels)
        else:
            plt.bar(chart.labels, values, width=0.5)
        plt.ylabel(chart.unit)
        plt.xlabel("year" if chart.kind == "line" else "row")
        plt.ylim(min(0.0, *values), max(values) * 1.1 or 1.0)
