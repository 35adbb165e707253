"""Be Vietnam Pro for the screens, served from the fontpkg-be-vietnam-pro package.

`/fonts/be-vietnam-pro.css` declares every weight with @font-face; browsers fetch only the
files a page uses. No font file is committed to this project.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fontpkg_be_vietnam_pro
from flask import Blueprint, Response, abort, send_from_directory

FONT_DIR = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
FAMILY = "Be Vietnam Pro"
STYLESHEET = "be-vietnam-pro.css"
MAX_AGE_S = 30 * 86400  # the files change only with the package
_WEIGHTS = {"Thin": 100, "ExtraLight": 200, "Light": 300, "Regular": 400, "Medium": 500,
            "SemiBold": 600, "Bold": 700, "ExtraBold": 800, "Black": 900}

blueprint = Blueprint("fonts", __name__, url_prefix="/fonts")


@cache
def font_files() -> dict[str, tuple[int, bool]]:
    """Each served file name with its CSS weight and whether it is italic."""
    files = {}
    for path in sorted(FONT_DIR.glob("BeVietnamPro-*.ttf")):
        style = path.stem.removeprefix("BeVietnamPro-")  # "Bold", "BoldItalic", "Italic"
        is_italic = style.endswith("Italic")
        weight = _WEIGHTS.get(style.removesuffix("Italic") or "Regular")
        if weight:
            files[path.name] = (weight, is_italic)
    return files


@cache
def stylesheet() -> str:
    """@font-face rules for every weight and style the package ships."""
    rules = [
        "@font-face {\n"
        f'  font-family: "{FAMILY}";\n'
        f"  font-style: {'italic' if italic else 'normal'};\n"
        f"  font-weight: {weight};\n"
        "  font-display: swap;\n"
        f'  src: url("{name}") format("truetype");\n'
        "}\n"
        for name, (weight, italic) in font_files().items()
    ]
    return "\n".join(rules)


@blueprint.get(f"/{STYLESHEET}")
def font_stylesheet():
    """The @font-face stylesheet."""
    response = Response(stylesheet(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    return response


@blueprint.get("/<name>")
def font_file(name: str):
    """One TrueType file of the family; 404 for anything else."""
    if name not in font_files():
        abort(404)
    return send_from_directory(FONT_DIR, name, mimetype="font/ttf", max_age=MAX_AGE_S)
