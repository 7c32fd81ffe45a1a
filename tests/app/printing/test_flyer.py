"""Flyers: each template read back from the PDF it wrote."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image as PILImage

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.printing import TEMPLATES, render_flyer
from app.printing.flyer import _Ctx, _image
from app.printing.fonts import PGOTHIC
from app.printing.text import GETA, TextGuard
from tests.app.printing.pdfcheck import (
    A4_PT,
    B5_JIS_PT,
    assert_fonts_embedded_subsets,
    page_size,
    page_texts,
    reader,
    seed_sheet,
    squash,
)

ERA_DATE = "令和4年6月10日(金)"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize(("paper", "size"), [("A4", A4_PT), ("B5", B5_JIS_PT)])
def test_flyer_carries_the_event(
    tmp_path: Path, template: str, paper: str, size: tuple[float, float]
) -> None:
    sheet = seed_sheet()
    out = tmp_path / f"{template}.pdf"
    res = render_flyer(sheet, out, template=template, paper=paper)
    assert res.output == out
    assert res.pages == 1
    assert os.listdir(tmp_path) == [out.name]
    assert page_size(out) == pytest.approx(size, abs=0.05)
    [text] = page_texts(out)
    flat = squash(text)
    for expected in (
        sheet.title,
        sheet.catch,
        ERA_DATE,
        "13:30～15:30",
        "小原宗一",
        "北区社会福祉協議会",
        squash(sheet.venue),
        squash(_("Free")),
        squash(_("{count} people").format(count=30)),
        "令和4年6月3日(金)",
        "まちづくり講座第18講",
    ):
        assert expected in flat, (expected, text)
    assert_fonts_embedded_subsets(out)
    info = reader(out).metadata
    assert info is not None
    assert info.title == sheet.title
    assert info.author == "北区まちづくり"


def test_slip_has_the_tear_off_form(tmp_path: Path) -> None:
    res = render_flyer(seed_sheet(), None, template="slip")
    assert isinstance(res.output, bytes)
    flat = squash(page_texts(res.output)[0])
    for label in (
        "Application form",
        "Reading (furigana)",
        "Name",
        "Phone",
        "Member number",
        "Cut here",
    ):
        assert squash(_(label)) in flat, label


def test_fee_and_optional_parts(tmp_path: Path) -> None:
    sheet = seed_sheet(fee_yen=500, capacity=None, qr_url=None, co_hosts=[], catch="")
    res = render_flyer(sheet, None)
    flat = squash(page_texts(res.output)[0])
    assert squash(_("{amount} yen").format(amount="500")) in flat
    assert squash(_("Free")) not in flat
    assert squash(_("Capacity")) not in flat
    assert squash(_("Details online")) not in flat
    assert res.warnings == []


def test_qr_code_is_drawn_only_when_asked() -> None:
    with_qr = render_flyer(seed_sheet(), None).output
    without = render_flyer(seed_sheet(qr_url=None), None).output
    assert isinstance(with_qr, bytes) and isinstance(without, bytes)
    assert squash(_("Details online")) in squash(page_texts(with_qr)[0])
    # The code itself is a few hundred filled squares in the page's content stream.
    ops = []
    for pdf in (with_qr, without):
        contents = reader(pdf).pages[0].get_contents()
        assert contents is not None
        ops.append(contents.get_data().count(b" re"))
    assert ops[0] - ops[1] > 200


def test_missing_glyph_is_reported_not_boxed(tmp_path: Path) -> None:
    sheet = seed_sheet(lecturers=[("🍙田 一", "北区社会福祉協議会"), ("𠮷田 二", "")])
    res = render_flyer(sheet, tmp_path / "f.pdf")
    assert any("🍙" in w for w in res.warnings), res.warnings
    assert len(res.warnings) == 1  # 𠮷 (quoted in it) is drawn by the fallback face
    flat = squash(page_texts(res.output)[0])
    assert GETA + "田一" in flat and "𠮷田二" in flat


def test_photo_keeps_its_aspect_and_fits_the_box(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    PILImage.new("L", (400, 100), 128).save(photo)
    ctx = _Ctx(sheet=seed_sheet(image_path=photo), guard=TextGuard(PGOTHIC), width=500, scale=1)
    image = _image(ctx, 150, 150)
    assert image is not None
    assert image.drawWidth == pytest.approx(150)
    assert image.drawHeight == pytest.approx(37.5)
    res = render_flyer(seed_sheet(image_path=photo), None)
    assert res.warnings == []
    page = reader(res.output).pages[0]
    assert len(page.images) == 1


def test_unreadable_photo_is_a_warning(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    res = render_flyer(seed_sheet(image_path=broken), None)
    assert any("broken.jpg" in w for w in res.warnings)


def test_long_description_shrinks_with_a_warning() -> None:
    res = render_flyer(seed_sheet(description="まちづくりのお話。" * 400), None)
    assert res.pages == 1
    assert len(res.warnings) == 1


def test_unknown_template_and_paper() -> None:
    with pytest.raises(UserError):
        render_flyer(seed_sheet(), None, template="fancy")
    with pytest.raises(UserError):
        render_flyer(seed_sheet(), None, paper="A3")
