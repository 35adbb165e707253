"""The waiting-room display front-end: templates, plain JavaScript and CSS."""

from pathlib import Path

ROOT = Path(__file__).parent
