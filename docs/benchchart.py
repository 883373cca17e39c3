"""Draw the benchmark chart of the docs from the JSON that ``tox -e bench`` writes.

Run by the docs build; by hand::

    python docs/benchchart.py bench/results.json docs/_static/benchmarks.png
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Tuple

CONTENDERS = [("lite", "openai_lite"), ("requests", "raw requests"), ("sdk", "official SDK")]
COLOURS = {"lite": "#2a7ab0", "requests": "#8c8c8c", "sdk": "#d9822b"}


def panels(raw: Dict[str, Any]) -> List[Tuple[str, str, Dict[str, float]]]:
    """(title, unit, value per contender) of each panel, from the bench's JSON."""
    calls, imports, upload = raw["calls"], raw["import"], raw.get("upload", {})
    found = [
        ("Calls per second (higher is better)", "calls/s", {k: v["rate"] for k, v in calls.items()}),
        ("Client CPU per call (lower is better)", "µs", {k: v["cpu_us"] for k, v in calls.items()}),
        (
            "Import time (lower is better)",
            "ms",
            {k: v["wall_ms"] for k, v in imports.items() if k != "python"},
        ),
        (
            "Memory after import (lower is better)",
            "MB",
            {k: v["rss_mb"] for k, v in imports.items() if k != "python"},
        ),
    ]
    path_upload = {k.split(".")[0]: v for k, v in upload.items() if k.endswith(".path")}
    if path_upload:
        found.append(("Memory growth, large upload from a path (lower is better)", "MiB", path_upload))
    return found


def draw(source: str, target: str) -> None:
    """Draw the chart of *source* (the bench's JSON) into the PNG file *target*."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(source, encoding="utf-8") as f:
        raw = json.load(f)
    shown = panels(raw)
    fig, axes = plt.subplots(len(shown), 1, figsize=(7, 1.6 * len(shown) + 0.6))
    for ax, (title, unit, values) in zip(axes, shown):
        names = [key for key, _ in CONTENDERS if key in values][::-1]
        labels = [dict(CONTENDERS)[key] for key in names]
        numbers = [values[key] for key in names]
        bars = ax.barh(labels, numbers, color=[COLOURS[key] for key in names])
        ax.bar_label(bars, labels=[f"{n:,.1f} {unit}" for n in numbers], padding=3, fontsize=8)
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_xlim(0, max(numbers) * 1.35 if numbers else 1)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    fig.suptitle(f"openai_lite benchmarks ({raw.get('date', 'latest run')})", fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    fig.savefig(target, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    draw(sys.argv[1], sys.argv[2])
