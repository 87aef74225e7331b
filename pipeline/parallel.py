"""Pages in parallel: `read_page` (prepare + OCR of one page) run in worker processes, one per core.

Each worker is a separate process with one Tesseract thread (`OMP_THREAD_LIMIT=1`, OpenCV single
threaded), so N cores read N pages at once without oversubscription; the models stay loaded in the
worker between pages and inputs. The page image is decoded once, by the reader in the parent, and
handed to a worker as raw pixels in memory both processes map (`_PixelBuffer`); the worker sends
back the words and geometry, and the grey OCR image (later stages re-read crops of it) in that same
memory, and the parent turns its own copy of the scan upright, so no image is decoded or encoded
twice (the scanner's JPEG bytes a page may carry stay in the parent). At most one page per worker
is in flight, so memory is bounded by the number of workers, not the length of the input; a worker
lets go of each page before the next, and hands the freed memory back to the system
(`release_memory`) when no page follows (docs/benchmarks.md).

A worker that runs past the page's hard limit (a recognition that ignores its own timeout) is
killed and replaced; its page fails with `ocr_timeout` and the rest of the batch goes on.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import gc
import mmap
import multiprocessing
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection, wait

from PIL import Image

from .errors import InputError, MissingDependencyError, OcrError, SohoaError
from .ocr import ocr_page, set_engine, set_tesseract_cmd
from .preprocess import prepare, turn_upright
from .types import OcrPage, Page, PageFailure, PreparedPage

_ERRORS = {cls.__name__: cls for cls in (SohoaError, InputError, OcrError, MissingDependencyError)}


def read_page(page: Page, *, lang: str = "vie", timeout: float = 180.0) -> OcrPage:
    """One page through both page stages in this process: Page → PreparedPage → OcrPage."""
    prepared = prepare(page, timeout=timeout)
    return ocr_page(prepared, lang=lang, timeout=timeout)


def hard_limit(timeout: float) -> float:
    """Seconds after which a worker still on one page is killed (its own timeouts come first)."""
    return 3 * timeout + 10


@dataclass(frozen=True)
class _Task:
    page_index: int
    image: tuple[str, tuple[int, int], int]  # mode, size, bytes: the pixels are in the buffer
    dpi: float
    dpi_known: bool
    lang: str
    timeout: float


def one_thread_per_page() -> None:
    """Keep a page on the thread that reads it: Tesseract without OpenMP threads and OpenCV without
    its thread pool. Parallelism comes from the page processes and worker threads sohoa starts,
    whose number the admin sets; the libraries' own threads would only compete with them (and
    made one `sohoa worker` use 1.2 cores, so a second process on a 2-core machine added less)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover
        pass


#: glibc's `mallopt` parameters (malloc.h) and the environment variables an admin may set instead.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_MALLOC_ENV = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_")
#: What a thread keeps of the memory it freed: a medium page's images (a 300-dpi A4 scan is 26 MB
#: in colour, 9 MB in grey) stay in the heap, and a free 64 MB heap is kept for the next page.
PAGE_HEAP_BYTES = 64 << 20
PAGE_MMAP_BYTES = 32 << 20  # the largest mmap threshold glibc accepts (half a thread heap)


def keep_page_memory() -> bool:
    """Let this process keep the memory a page freed for the next page.

    With glibc's defaults, a page's images went back to the system as they were freed and the next
    page mapped, faulted in and zeroed them again: any thread but the main one gives back each 64 MB
    heap of its arena as soon as it is free (whatever the trim threshold), and the main thread trims
    its heap whenever more than the dynamic threshold lies free at its top. On 16 medium pages that
    was 160,000–240,000 page faults and 0.6 s of system time, on the main thread or a worker thread
    alike; with these settings 1,600–12,000 faults and 0.04–0.2 s, and 3–18% less wall time in four
    paired runs (docs/benchmarks.md, Scale-out). A top pad of one heap keeps a free heap (and a
    heap's worth at the top of the main one); fixed thresholds keep page-sized images in the heap
    instead of mappings of their own. The peak is one page's working set either way, and
    `release_memory` still hands the memory back when the process is idle (malloc_trim ignores these
    settings). Not applied where the admin set glibc's own MALLOC_* variables; False there, and
    where there is no glibc."""
    if _mallopt is None or any(name in os.environ for name in _MALLOC_ENV):
        return False
    return all(
        _mallopt(option, value) == 1
        for option, value in (
            (_M_MMAP_THRESHOLD, PAGE_MMAP_BYTES),
            (_M_TRIM_THRESHOLD, PAGE_HEAP_BYTES),
            (_M_TOP_PAD, PAGE_HEAP_BYTES),
        )
    )


def settle_startup_objects() -> None:
    """Collect what starting the process left behind, then move every object alive now (modules,
    form tables, place lists, the broker's and database's machinery: ~120,000 in a worker) out of
    the cyclic collector's view. They live as long as the process, and each full collection walked
    them all (~70-85 ms, about twice per 28 pages: ~0.6% of a worker's time); objects made later,
    a page's among them, are collected as before (`gc.freeze`)."""
    gc.collect()
    gc.freeze()


class _PixelBuffer:
    """Memory a worker and the parent both map (a memory file, grown to the largest image yet): a
    page's pixels go to the worker in it and the grey OCR image comes back in it, each copied once,
    where sending them through the pipe copied a 12 MB page (200 dpi, colour) four times in the
    worker and once more in the kernel. Only one side touches it at a time: the parent before it
    sends a task and after the reply, the worker in between."""

    def __init__(self, fd: int):
        self.fd = fd
        self._map: mmap.mmap | None = None

    @classmethod
    def create(cls) -> _PixelBuffer:
        if hasattr(os, "memfd_create"):  # Linux: memory only, gone with its last process
            return cls(os.memfd_create("sohoa-page", os.MFD_CLOEXEC))
        with tempfile.TemporaryFile() as file:  # other Unixes: an unlinked file
            return cls(os.dup(file.fileno()))

    def put(self, image: Image.Image) -> tuple[str, tuple[int, int], int]:
        """The image's pixels into the buffer; what `get` needs to take them out."""
        data = image.tobytes()
        with self._view(len(data)) as view:
            view[:] = data
        return image.mode, image.size, len(data)

    def get(self, mode: str, size: tuple[int, int], nbytes: int) -> Image.Image:
        """The image the other process `put`."""
        with self._view(nbytes) as view:
            return Image.frombytes(mode, size, view)

    def shrink(self, keep: int) -> None:
        """Hand the memory back when it is larger than `keep` bytes (a large page's, which the next
        page would not need); it grows again for a page that needs it. Both sides' maps stay: a
        map only reaches pages the file holds, and `_view` grows the file before it uses a map."""
        if os.fstat(self.fd).st_size > keep:
            os.ftruncate(self.fd, 0)

    def _view(self, n: int) -> memoryview:
        if os.fstat(self.fd).st_size < n:
            os.ftruncate(self.fd, n)
        if self._map is None or len(self._map) < n:
            if self._map is not None:
                self._map.close()
            self._map = mmap.mmap(self.fd, os.fstat(self.fd).st_size)
        return memoryview(self._map)[:n]

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None
        os.close(self.fd)


def _worker(conn: Connection, tesseract_cmd: str | None, engine: str, fn: Callable) -> None:
    one_thread_per_page()
    keep_page_memory()
    settle_startup_objects()
    set_tesseract_cmd(tesseract_cmd)
    set_engine(engine)
    buffer = _PixelBuffer(reduction.recv_handle(conn))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        page = Page(task.page_index, buffer.get(*task.image), task.dpi, task.dpi_known)
        kind, data = _read(page, fn, task.lang, task.timeout)
        if kind == "ok":
            data["ocr_image"] = buffer.put(data["ocr_image"])
        conn.send((kind, data))
        # Nothing of this page outlives it (the next page would otherwise be read while this one's
        # images are still held); the freed memory goes back to the system once no page follows.
        del page
        if not conn.poll(IDLE_SECONDS):
            release_memory()


def _read(page: Page, fn: Callable, lang: str, timeout: float) -> tuple[str, object]:
    """A worker's reply for one page: ("ok", what the parent rebuilds the OcrPage from) or
    ("error", the error's parts)."""
    try:
        ocr = fn(page, lang=lang, timeout=timeout)
        p = ocr.prepared
        return (
            "ok",
            {
                "rotation": p.rotation,
                "skew_deg": p.skew_deg,
                "ocr_image": p.ocr_image,  # its pixels go back in the buffer (`_PixelBuffer`)
                "ocr_to_upright": p.ocr_to_upright,
                "orientation_confidence": p.orientation_confidence,
                "ink_ratio": p.ink_ratio,
                "warnings": p.warnings,
                "words": ocr.words,
                "lines": ocr.lines,
            },
        )
    except SohoaError as exc:
        return ("error", (type(exc).__name__, exc.message, exc.code, exc.detail))
    except Exception:  # noqa: BLE001 - a bug on one page must not stop the batch
        return ("error", ("OcrError", _CRASH_MESSAGE, "page_crashed", traceback.format_exc()[-2000:]))


#: A page worker with nothing to read for this long gives its memory back (`release_memory`).
IDLE_SECONDS = 1.0


def release_memory() -> None:
    """Give the memory freed by the last pages back to the system (glibc keeps freed heap memory
    for reuse otherwise, and a page's large images leave the heap fragmented). Called when a
    worker has nothing to do, not after every page: between pages the freed memory is what the
    next page uses, and trimming it costs the trim and the faults that take it back (~5% of a
    page's CPU time) without lowering the peak (docs/benchmarks.md). Only the young generations
    are collected: a full collection walks every object of a worker (~120,000, 70 ms); a page's
    images are freed by reference counting anyway, and older cycles by Python's own collections."""
    gc.collect(1)
    if _malloc_trim is not None:
        _malloc_trim(0)


def _glibc(name: str):
    """A function of glibc's allocator, or None (not Linux, or not glibc: musl has neither)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


_malloc_trim = _glibc("malloc_trim")
_mallopt = _glibc("mallopt") if _malloc_trim is not None else None

_CRASH_MESSAGE = "Không xử lý được trang này do lỗi chương trình: hãy báo cho quản trị viên kèm tệp quét."


def _rebuild(page: Page, data: dict, ocr_image: Image.Image) -> OcrPage:
    prepared = PreparedPage(
        page=page,
        upright=turn_upright(page.image, data["rotation"]),
        rotation=data["rotation"],
        skew_deg=data["skew_deg"],
        ocr_image=ocr_image,
        ocr_to_upright=data["ocr_to_upright"],
        orientation_confidence=data["orientation_confidence"],
        ink_ratio=data["ink_ratio"],
        warnings=data["warnings"],
    )
    return OcrPage(prepared=prepared, words=data["words"], lines=data["lines"])


def _error(name: str, message: str, code: str, detail: str | None) -> SohoaError:
    return _ERRORS.get(name, OcrError)(message, code=code, detail=detail)


class _Slot:
    """One worker process and the page it is reading."""

    def __init__(self, ctx, tesseract_cmd: str | None, engine: str, fn: Callable):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, tesseract_cmd, engine, fn), daemon=True)
        self.process.start()
        child.close()
        self.buffer = _PixelBuffer.create()
        reduction.send_handle(self.conn, self.buffer.fd, self.process.pid)
        self.page: Page | None = None
        self.started = 0.0
        self.limit = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.buffer.close()


class PagePool:
    """Worker processes that read pages; reused across inputs until `close`."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        tesseract_cmd: str | None = None,
        engine: str = "auto",
        fn: Callable = read_page,
        kill_after: float | None = None,
    ):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._args = (tesseract_cmd, engine, fn)
        self._ctx = multiprocessing.get_context("forkserver")
        self._slots: list[_Slot] = []
        self._kill_after = kill_after  # None: `hard_limit(timeout)`

    def _slot(self) -> _Slot:
        return _Slot(self._ctx, *self._args)

    def run(
        self, items: Iterable[Page | PageFailure], *, lang: str = "vie", timeout: float = 180.0
    ) -> Iterator[tuple[Page | PageFailure, OcrPage | SohoaError | None]]:
        """Read every page; yields (item, result) as pages finish (not in input order). A
        `PageFailure` passes through with None. Reading the input stops while every worker is busy."""
        while len(self._slots) < self.workers:
            self._slots.append(self._slot())
        try:
            yield from self._run(iter(items), lang, timeout)
        finally:  # abandoned part way: workers still on a page are replaced, not left busy
            for slot in [s for s in self._slots if s.page is not None]:
                self._replace(slot, kill=True)

    def _run(self, source, lang: str, timeout: float):
        exhausted = False
        while True:
            idle = [s for s in self._slots if s.page is None]
            while idle and not exhausted:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                if isinstance(item, PageFailure):
                    yield item, None
                    continue
                slot = idle.pop()
                image = item.image
                pixels = slot.buffer.put(image)
                slot.conn.send(_Task(item.index, pixels, item.dpi, item.dpi_known, lang, timeout))
                slot.page, slot.started = item, time.monotonic()
                slot.limit = self._kill_after or hard_limit(timeout)
            busy = [s for s in self._slots if s.page is not None]
            if not busy:
                return
            now = time.monotonic()
            wait_for = max(0.05, min(s.started + s.limit - now for s in busy))
            ready = wait([s.conn for s in busy], timeout=wait_for)
            for slot in busy:
                page = slot.page
                if slot.conn in ready:
                    try:
                        kind, data = slot.conn.recv()
                        ocr_image = slot.buffer.get(*data["ocr_image"]) if kind == "ok" else None
                        slot.buffer.shrink(PAGE_HEAP_BYTES)  # what a page may keep, as in the heap
                    except (EOFError, OSError):  # the worker died (out of memory, a crash in C)
                        self._replace(slot, kill=True)
                        yield page, OcrError(_CRASH_MESSAGE, code="page_crashed", detail="worker died")
                        continue
                    slot.page = None
                    yield page, (_rebuild(page, data, ocr_image) if kind == "ok" else _error(*data))
                    del ocr_image
                elif time.monotonic() - slot.started > slot.limit:
                    self._replace(slot, kill=True)
                    yield (
                        page,
                        OcrError(
                            "Nhận dạng chữ trên trang này quá lâu và đã bị dừng: hãy kiểm tra ảnh quét rồi thử lại.",
                            code="ocr_timeout",
                            detail=f"worker killed after {slot.limit:.0f} s",
                        ),
                    )

    def _replace(self, slot: _Slot, kill: bool) -> None:
        slot.stop(kill=kill)
        self._slots[self._slots.index(slot)] = self._slot()

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (for measuring them)."""
        return [slot.process.pid for slot in self._slots]

    def close(self) -> None:
        for slot in self._slots:
            slot.stop(kill=slot.page is not None)
        self._slots = []


_shared: dict[tuple, PagePool] = {}


def shared_pool(workers: int | None, tesseract_cmd: str | None, engine: str) -> PagePool:
    """One pool per settings for the life of the process (workers keep their models loaded)."""
    key = (workers, tesseract_cmd, engine)
    pool = _shared.get(key)
    if pool is None:
        pool = _shared[key] = PagePool(workers, tesseract_cmd=tesseract_cmd, engine=engine)
    return pool


@atexit.register
def close_pools() -> None:
    for pool in _shared.values():
        pool.close()
    _shared.clear()
