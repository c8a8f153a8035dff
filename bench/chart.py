"""Draws bench/ratios.png from bench/results.json (written by bench/run.py).

    .venv/bin/python bench/chart.py RESULTS.json OUT.png

One group of bars per scenario: the speed of stock and of pysocket relative
to native CPython, on a log scale, always oriented so that above 1 is
faster than native (rates are divided, times inverted). Failed ways get a
"failed" label instead of a bar. Needs matplotlib (installed into .venv by
`make bench`).
"""

import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"stock": "#d08c35", "pysocket": "#2f6db3"}


def median(runs: list[dict]) -> float | None:
    values = [r["value"] for r in runs if "value" in r]
    return statistics.median(values) if values else None


def speedups(data: dict) -> tuple[list[str], dict[str, list[float | None]]]:
    """Per scenario, each way's speed relative to native (> 1 is faster)."""
    names, out = [], {w: [] for w in COLORS}
    for name, per_way in data["results"].items():
        names.append(name)
        better = data["units"][name][1]
        native = median(per_way["native"])
        for way in COLORS:
            m = median(per_way[way])
            if m is None or not native:
                out[way].append(None)
            else:
                out[way].append(m / native if better == "higher" else native / m)
    return names, out


def main(src: str, dst: str) -> None:
    with open(src) as f:
        data = json.load(f)
    names, out = speedups(data)
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(names) + 1.5))
    height = 0.38
    for i, way in enumerate(COLORS):
        label = way  # on the first bar only
        for j, v in enumerate(out[way]):
            y = j + (i - 0.5) * height
            if v is None:
                ax.text(1, y, f" {way}: failed", va="center", fontsize=8, color="#b00020")
                continue
            ax.barh(y, v, height, color=COLORS[way], label=label)
            label = None
            ax.text(v, y, f" {v:.2f}×", va="center", fontsize=8)
    ax.set_xscale("log")
    ax.axvline(1, color="black", linewidth=1)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("speed relative to native CPython (log scale; > 1 is faster than native)")
    ax.set_title("pysocket benchmarks: stock WASI sockets vs pysocket" + (" (--quick)" if data.get("quick") else ""))
    ax.legend(loc="best")
    xs = [v for vals in out.values() for v in vals if v]
    if xs:
        ax.set_xlim(min(min(xs), 1) / 2, max(max(xs), 1) * 3)
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
