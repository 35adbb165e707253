"""The citizen's front-ends: the live ticket page behind the QR and the counter's rating tablet."""

from pathlib import Path

ROOT = Path(__file__).parent
