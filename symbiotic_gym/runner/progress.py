"""A console reporter for runs: the rich progress bar and one line per notable event, on stderr.

``RunConfig(show_progress=True)`` uses it; the CLI passes ``ConsoleReporter(bar=not quiet)`` as
``RunConfig.progress``. Any callable ``(event, data)`` can take its place: events are ``run_start`` (total,
done, finished records, where, out), ``start`` (an episode began: task_id, pid), ``episode`` (one ended:
task_id, record), ``restart``, ``retry`` and ``warning``. A reporter that draws something (a bar) may
also define ``start()`` and ``stop()`` (:class:`LiveReporter`); the run calls them around its episodes.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class LiveReporter(Protocol):
    """A progress callback with a display to open before the run and close after it (even on errors)."""

    def __call__(self, event: str, data: dict[str, Any]) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class ConsoleReporter:
    """Episodes done, elapsed time, ETA, success rate so far, tokens (local / cloud) and cost."""

    def __init__(self, *, bar: bool = True, console: Any = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.show_bar = bar
        self.progress: Any = None
        self.job: Any = None
        self.totals = {"n": 0, "wins": 0, "tok_l": 0, "tok_c": 0, "cost": 0.0}

    def _add(self, rec: dict[str, Any]) -> None:
        t = self.totals
        t["n"] += 1
        t["wins"] += bool(rec.get("success"))
        t["tok_l"] += rec.get("tokens_in_local", 0) + rec.get("tokens_out_local", 0)
        t["tok_c"] += rec.get("tokens_in_cloud", 0) + rec.get("tokens_out_cloud", 0)
        t["cost"] += rec.get("cost", 0.0)

    def stats(self) -> str:
        t = self.totals
        sr = f"{t['wins'] / t['n']:.1%}" if t["n"] else "-"
        return f"SR {sr} | tokens local {t['tok_l']:,} cloud {t['tok_c']:,} | ${t['cost']:.4f}"

    def start(self) -> None:
        pass

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def _open_bar(self, total: int, done: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[stats]}"),
            console=self.console,
            disable=not self.show_bar,
        )
        self.progress.start()
        self.job = self.progress.add_task("episodes", total=total, completed=done, stats=self.stats())

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        from rich.markup import escape

        if kind == "run_start":
            for rec in data.get("finished", ()):
                self._add(rec)
            self.console.print(
                f"[bold]{escape(data['agent'])}[/] on {escape(data['suite'])}/{data['split']}: {data['total']} tasks "
                f"({data['done']} already done, {data['where']}) -> {escape(data['out'])}"
            )
            self._open_bar(data["total"], data["done"])
        elif kind == "episode":
            rec = data["record"]
            self._add(rec)
            if self.progress is not None:
                self.progress.update(self.job, advance=1, description=data["task_id"], stats=self.stats())
            if rec.get("error"):
                self.console.print(
                    f"[yellow]{escape(data['task_id'])}: {rec['error_kind']} error: {escape(str(rec['error']))}[/]"
                )
        elif kind == "restart":
            self.console.print(
                f"[yellow]{escape(data['task_id'] or 'worker')}: {escape(data['reason'])}; worker restarted[/]"
            )
        elif kind == "retry":
            self.console.print(f"[yellow]{escape(data['task_id'])}: {escape(str(data['error']))}; retrying[/]")
        elif kind == "warning":
            self.console.print(escape(data["message"]))
