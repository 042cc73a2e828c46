"""Data sets as files: JSON (``datasets.dumps``) and CSV.

CSV: one image a line, the label first, then the pixels row by row (0 or 1, or any number
from 0 to 1). A first line that starts with ``label`` is a header; its last column, named
``rRcC`` (e.g. ``r5c5``), gives the grid. Without a header the grid is the one the caller
names, or a square one when the pixel count is a square (25 → 5×5). The classes are the
labels found, numbers in numeric order, then other names in alphabetical order, unless the
caller names them.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

from . import datasets
from .datasets import DataSetFileError, ImageSet
from .netfile import NetworkFileError, _read_regular

_CELL = re.compile(r"r([0-9]{1,3})c([0-9]{1,3})$")


def _class_order(name: str) -> tuple:
    number = name.isascii() and name.isdigit() and len(name) <= 12
    return (0, int(name), "") if number else (1, 0, name)


def _grid_of(header: list[str] | None, count: int, grid) -> tuple[int, int]:
    if header is not None:
        match = _CELL.match(header[-1].strip()) if len(header) > 1 else None
        if not match:
            raise DataSetFileError("header: the last column should name the last pixel, e.g. r5c5")
        return int(match[1]), int(match[2])
    if grid is not None:
        return grid
    side = math.isqrt(count)
    if side * side != count:
        raise DataSetFileError(f"{count} pixels a line is not a square grid: add a header line "
                               "label,r1c1,…,rRcC naming the grid")
    return side, side


def from_csv(text: str, grid: tuple[int, int] | None = None, classes: tuple[str, ...] | None = None) -> ImageSet:
    lines = [row for row in csv.reader(io.StringIO(text)) if row and any(cell.strip() for cell in row)]
    header = lines.pop(0) if lines and lines[0][0].strip().lower() == "label" else None
    if not lines:
        raise DataSetFileError("the CSV holds no images")
    if len(lines) > datasets.MAX_IMAGES:
        raise DataSetFileError(f"{len(lines)} images: a data set has at most {datasets.MAX_IMAGES}")
    rows, cols = _grid_of(header, len(lines[0]) - 1, grid)
    datasets.check_shape(rows, cols, classes or ("a", "b"))
    images, names = [], []
    for n, line in enumerate(lines, start=2 if header else 1):
        if len(line) - 1 != rows * cols:
            raise DataSetFileError(f"line {n}: {len(line) - 1} pixels, the {rows}×{cols} grid has {rows * cols}")
        pixels = []
        for i, cell in enumerate(line[1:]):
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not 0 <= value <= 1:
                raise DataSetFileError(
                    f"line {n}, pixel {i + 1}: expected a number from 0 to 1, found {cell.strip()[:12]!r}")
            pixels.append(value)
        images.append(tuple(pixels))
        names.append(line[0].strip())
    if classes is None:
        classes = tuple(sorted(set(names), key=_class_order))
        datasets.check_shape(rows, cols, classes)
    for n, name in enumerate(names, start=2 if header else 1):
        if name not in classes:
            raise DataSetFileError(f"line {n}: label {name!r} is not one of the classes {', '.join(classes)}")
    out = ImageSet(rows, cols, tuple(classes), tuple(images), tuple(classes.index(name) for name in names))
    out.check_trainable()
    return out


def to_csv(images: ImageSet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label"] + [f"r{r + 1}c{c + 1}" for r in range(images.rows) for c in range(images.cols)])
    for image, label in zip(images.images, images.labels):
        writer.writerow([images.classes[label]] + [f"{p:g}" for p in image])
    return out.getvalue()


def load(path: str | Path, grid: tuple[int, int] | None = None) -> ImageSet:
    """A data set file: CSV when its name ends in .csv, JSON otherwise."""
    path = Path(path)
    try:
        text = _read_regular(path)
    except NetworkFileError as err:
        raise DataSetFileError(str(err).replace("network file", "data set file")) from None
    except FileNotFoundError:
        raise DataSetFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataSetFileError(f"{path}: is a folder, not a data set file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataSetFileError(f"{path}: cannot read it ({getattr(err, 'strerror', None) or err})") from None
    try:
        return from_csv(text, grid) if path.suffix.lower() == ".csv" else datasets.loads(text)
    except DataSetFileError as err:
        raise DataSetFileError(f"{path}: {err}") from None


def save(images: ImageSet, path: str | Path) -> None:
    """Write atomically (CSV when the name ends in .csv), so a failed save leaves no half file."""
    path = Path(path)
    text = to_csv(images) if path.suffix.lower() == ".csv" else datasets.dumps(images)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
