"""Make the user guide's screenshots with the gallery, so they stay true to the window.

.venv/bin/python installer/guide_images.py     # -> resources/guide/img/*.png
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "resources" / "guide"
WIDTH = 900  # pixels: readable in the help window, small enough to ship


def wanted() -> set[str]:
    """The pictures the guide's pages show, as kind-name-language."""
    names: set[str] = set()
    for page in GUIDE.glob("*/*.html"):
        names.update(re.findall(r'src="\.\./img/([\w-]+)\.png"', page.read_text(encoding="utf-8")))
    return names


def main() -> int:
    """Render the gallery at 100 % on the laptop screen and keep the guide's pictures."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    from ui import gallery

    pictures = wanted()
    only = sorted({p.split("-", 1)[1].rsplit("-", 1)[0] for p in pictures})
    with tempfile.TemporaryDirectory() as tmp:
        shots = gallery.run(Path(tmp), [100], (1366, 728), ["ja", "en"], only)
        out = GUIDE / "img"
        out.mkdir(exist_ok=True)
        for shot in shots:
            name = f"{shot.kind}-{shot.name}-{shot.language}"
            if name not in pictures:
                continue
            image = QImage(str(Path(tmp) / shot.file))
            small = image.scaledToWidth(
                min(WIDTH, image.width()), Qt.TransformationMode.SmoothTransformation
            )
            small.save(str(out / f"{name}.png"), b"PNG", 9)
    missing = sorted(p for p in pictures if not (GUIDE / "img" / f"{p}.png").exists())
    for name in missing:
        print(f"no picture for {name}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
