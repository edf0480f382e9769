"""Skill work off the event loop: a bounded worker pool, one turn at a time per user.

The assistant (routing, parsing, retrieval, SQLite) is synchronous. Each update's work runs in a
worker thread so one slow or huge message never holds up other reps; a per-user lock keeps one
rep's messages answered in the order they were sent. The pool is sized to the cores: the model
libraries release the GIL, so more threads than cores only queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class SkillRunner:
    """Runs blocking assistant calls in a worker pool, serialising each user's turns."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or max(2, os.cpu_count() or 2)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="kam-skill")
        self._turns: dict[int, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def turn(self, user_id: int) -> AsyncIterator[None]:
        """Hold this user's turn: their next message waits until this one is answered."""
        lock = self._turns.setdefault(user_id, asyncio.Lock())
        async with lock:
            yield
        if not lock.locked() and self._turns.get(user_id) is lock:
            del self._turns[user_id]  # nobody waiting: don't keep a lock per user forever

    async def call(self, function: Callable[..., T], *args: object) -> T:
        """Run `function(*args)` in a worker thread and wait for its result."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def shutdown(self) -> None:
        """Stop the pool (waits for running work)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
