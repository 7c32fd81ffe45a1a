"""Event flyers for a community notice board: three black-and-white, copier-safe templates."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Image, KeepInFrame, Spacer, Table

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.printing.common import (
    BLACK,
    BODY_PT,
    WHITE,
    date_ja,
    fee_text,
    new_canvas,
    page_size,
    people,
    result,
    style,
    table_style,
    time_range,
)
from app.printing.fonts import PGOTHIC, PGOTHIC_BOLD
from app.printing.model import TEMPLATES, EventSheet, RenderResult
from app.printing.text import (
    KinsokuParagraph,
    TextGuard,
    balanced_lines,
    paragraph,
    paragraph_lines,
)

# name -> short description (translated when shown)


@dataclass
class _Ctx:
    sheet: EventSheet
    guard: TextGuard
    width: float  # usable width of the frame
    scale: float  # page width relative to A4; headings follow it, body text stays >= 12 pt

    def pt(self, size: float) -> float:
        return size * self.scale

    def body(self, size: float = 13.0) -> float:
        return max(BODY_PT, size * self.scale)

    def m(self, value: str) -> str:
        return self.guard.markup(value)


def _fit(markup: str, st: ParagraphStyle, width: float, sizes: range, max_lines: int) -> Any:
    """The largest of `sizes` at which `markup` breaks into at most `max_lines` lines."""
    para: KinsokuParagraph | None = None
    for size in sizes:
        s = ParagraphStyle(f"{st.name}-{size}", parent=st, fontSize=size, leading=size * 1.2)
        para = paragraph(markup, s)
        para.wrap(width, 10_000)
        if len(paragraph_lines(para)) <= max_lines:
            return para
    assert para is not None
    return para


def _band(ctx: _Ctx, size: float) -> Flowable | None:
    """The black band at the top: series (まちづくり講座 第18講) or the kind of event."""
    s = ctx.sheet
    left = s.series_label or s.kind_label
    right = s.chapter_name
    if not left and not right:
        return None
    st_left = style("band-l", ctx.pt(size), bold=True, color=WHITE)
    st_right = style(
        "band-r", max(11.0, ctx.pt(size * 0.7)), bold=True, color=WHITE, align=TA_RIGHT
    )
    table = Table(
        [[paragraph(ctx.m(left), st_left), paragraph(ctx.m(right), st_right)]],
        colWidths=[ctx.width * 0.62, ctx.width * 0.38],
    )
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BLACK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _rule(ctx: _Ctx, thickness: float = 3.0) -> Flowable:
    table = Table([[""]], colWidths=[ctx.width], rowHeights=[thickness])
    table.setStyle(
        table_style([("BACKGROUND", (0, 0), (-1, -1), BLACK), ("TOPPADDING", (0, 0), (-1, -1), 0)])
    )
    return table


def _when(ctx: _Ctx, date_size: float, time_size: float) -> Flowable:
    """Date with era year and weekday, then the time: on one line when it fits, never with
    the time range cut in the middle."""
    s = ctx.sheet
    day = ctx.guard.text(date_ja(s.starts))
    times = ctx.guard.text(time_range(s.starts, s.ends))
    st = style("when", date_size, bold=True, align=TA_CENTER, leading=date_size * 1.25)
    markup = escape(day)
    if times:
        one_line = stringWidth(day, st.fontName, date_size) + stringWidth(
            "\u3000" + times, st.fontName, time_size
        )
        sep = "\u3000" if one_line <= ctx.width else "<br/>"
        markup += f'<font size="{time_size:.1f}">{sep}{escape(times)}</font>'
    return paragraph(markup, st)


def _lecturer_lines(ctx: _Ctx) -> list[str]:
    out = []
    for name, affiliation in ctx.sheet.lecturers:
        if affiliation:
            out.append(_("{name} ({affiliation})").format(name=name, affiliation=affiliation))
        else:
            out.append(_("{name}").format(name=name))
    return out


def _apply_text(ctx: _Ctx) -> str:
    s = ctx.sheet
    parts = [s.apply_how] if s.apply_how else []
    if s.apply_by is not None:
        parts.append(_("Apply by {date}").format(date=date_ja(s.apply_by)))
    return "\n".join(parts)


def _details(
    ctx: _Ctx, size: float, *, with_venue: bool = True, with_lecturers: bool = True
) -> Flowable | None:
    """Label / value rows: the facts a reader looks for, each on its own line."""
    s = ctx.sheet
    rows: list[tuple[str, str, str]] = []  # label, main text, small second line
    if s.venue and with_venue:
        rows.append((_("Venue"), s.venue, s.venue_access))
    lecturers = _lecturer_lines(ctx) if with_lecturers else []
    if lecturers:
        rows.append((_("Lecturer"), "\n".join(lecturers), ""))
    if s.fee_yen is not None:
        rows.append((_("Fee"), fee_text(s.fee_yen), ""))
    if s.capacity is not None:
        rows.append((_("Capacity"), people(s.capacity), ""))
    apply_text = _apply_text(ctx)
    if apply_text:
        rows.append((_("How to apply"), apply_text, ""))
    if not rows:
        return None
    st_label = style("lbl", size, bold=True, color=WHITE, align=TA_CENTER)
    st_value = style("val", size, bold=True)
    st_small = style("small", max(BODY_PT, size * 0.85))
    label_w = size * 6.2
    data = []
    for label, main, small in rows:
        cell: list[Flowable] = [paragraph(ctx.m(main), st_value)]
        if small:
            cell.append(paragraph(ctx.m(small), st_small))
        data.append([paragraph(ctx.m(label), st_label), cell])
    table = Table(data, colWidths=[label_w, ctx.width - label_w])
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (0, -1), BLACK),
                ("LINEBELOW", (1, 0), (1, -1), 1.2, BLACK),
                ("LINEBELOW", (0, 0), (0, -2), 1.2, WHITE),
                ("BOX", (0, 0), (-1, -1), 2, BLACK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (1, 0), (1, -1), 8),
            ]
        )
    )
    return table


def _image(ctx: _Ctx, max_w: float, max_h: float) -> Flowable | None:
    """The photo or illustration scaled into the box without distortion."""
    path = ctx.sheet.image_path
    if path is None:
        return None
    try:
        reader = ImageReader(str(path))
        iw, ih = reader.getSize()
    except Exception:  # noqa: BLE001 - PIL raises many kinds; the flyer prints without it
        ctx.guard.warn(
            _("The image {name} could not be read; the flyer is printed without it.").format(
                name=Path(path).name
            )
        )
        return None
    factor = min(max_w / iw, max_h / ih)
    return Image(str(path), width=iw * factor, height=ih * factor)


class QrCode(Flowable):
    """A QR code drawn straight onto the canvas as filled squares.

    ReportLab's own encoder makes the matrix; drawing it ourselves rather than through a
    graphics Drawing keeps the renderer from naming Helvetica, an unembedded font, in the PDF.
    """

    quiet = 2  # modules of white border; the caption box adds more

    def __init__(self, value: str, side: float) -> None:
        super().__init__()
        self.side = side
        # Only flyers with a link draw a code; the barcode package costs ~50 ms to import.
        from reportlab.graphics.barcode.qr import QrCodeWidget

        self.qr = QrCodeWidget(value, barLevel="M").qr
        self.qr.make()

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        modules = self.qr.modules
        box = self.side / (len(modules) + 2 * self.quiet)
        c = self.canv
        c.setFillColor(BLACK)
        for r, row in enumerate(modules):
            col = 0
            for dark, run in itertools.groupby(bool(m) for m in row):
                count = len(list(run))
                if dark:
                    x = (col + self.quiet) * box
                    y = self.side - (r + self.quiet + 1) * box
                    c.rect(x, y, count * box, box, stroke=0, fill=1)
                col += count


class _QrBox(Table):
    """The QR code with its caption; remembers its width for the row it sits in."""

    box_width = 0.0


def _qr(ctx: _Ctx, side: float) -> _QrBox | None:
    url = ctx.sheet.qr_url
    if not url:
        return None
    drawing = QrCode(url, side)
    caption = style("qrcap", BODY_PT, bold=True, align=TA_CENTER)
    text = ctx.guard.text(_("Details online"))
    col = max(side, stringWidth(text, caption.fontName, BODY_PT) + 4) + 8
    table = _QrBox([[drawing], [paragraph(escape(text), caption)]], colWidths=[col])
    table.box_width = col
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, BLACK),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _description_block(ctx: _Ctx, size: float, image_box: tuple[float, float]) -> Flowable | None:
    s = ctx.sheet
    text: list[Flowable] = []
    st = style("desc", size, leading=size * 1.55, space_after=size * 0.4)
    for block in (b.strip() for b in s.description.replace("\r\n", "\n").split("\n\n")):
        if block:
            text.append(paragraph(ctx.m(block), st))
    image = _image(ctx, *image_box)
    if not text and image is None:
        return None
    if image is None:
        return _stack(text)
    if not text:
        image.hAlign = "CENTER"
        return image
    gap = 6 * mm
    text_w = ctx.width - image_box[0] - gap
    table = Table([[text, image]], colWidths=[text_w + gap, image_box[0]])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), gap),
                ("RIGHTPADDING", (1, 0), (1, -1), 0),
                ("ALIGN", (1, 0), (1, -1), "CENTER"),
            ]
        )
    )
    return table


def _stack(items: list[Flowable]) -> Flowable:
    table = Table([[i] for i in items])
    table.setStyle(
        table_style(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _footer_with_qr(ctx: _Ctx, qr_side: float, size: float) -> Flowable | None:
    """Bottom block: who runs it and whom to ask (left), the QR code (right)."""
    s = ctx.sheet
    qr = _qr(ctx, qr_side)
    st = style("foot", size, leading=size * 1.45)
    left: list[Flowable] = []
    for label, value in (
        (_("Organised by"), "、".join(s.organisers)),
        (_("Co-hosted by"), "、".join(s.co_hosts)),
        (_("Contact"), s.contact),
    ):
        if value:
            left.append(paragraph(f"<b>{ctx.m(label)}</b>\u3000{ctx.m(value)}", st))
    if s.qr_url:
        left.append(paragraph(ctx.m(s.qr_url), style("url", 9)))
    if qr is None and not left:
        return None
    if qr is None:
        return _stack(left)
    qr_w = qr.box_width
    table = Table([[left, qr]], colWidths=[ctx.width - qr_w, qr_w])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _title(ctx: _Ctx, sizes: range, max_lines: int) -> Flowable:
    """The title as large as fits, broken between phrases into lines of even length."""
    title = ctx.guard.text(ctx.sheet.title)
    fitted = balanced_lines(title, PGOTHIC_BOLD, ctx.width, list(sizes), max_lines)
    if fitted is None:
        st = style("title", 10, bold=True, align=TA_CENTER)
        return _fit(ctx.m(title), st, ctx.width, sizes, max_lines)
    size, lines = fitted
    st = style("title", size, bold=True, align=TA_CENTER, leading=size * 1.22)
    return paragraph("<br/>".join(escape(line) for line in lines), st)


def _catch(ctx: _Ctx, size: float) -> Flowable | None:
    if not ctx.sheet.catch:
        return None
    st = style("catch", size, bold=True, align=TA_CENTER, leading=size * 1.3)
    return paragraph(ctx.m(ctx.sheet.catch), st)


def _sp(points: float) -> Flowable:
    return Spacer(1, points)


def _flex(ctx: _Ctx, minimum: float, maximum: float) -> _Flex:
    return _Flex(ctx.pt(minimum), ctx.pt(maximum))


def _clean(ctx: _Ctx) -> list[_Item]:
    has_text = bool(ctx.sheet.description.strip())
    return [
        _band(ctx, 18),
        _flex(ctx, 12, 40),
        _catch(ctx, ctx.pt(20)),
        _sp(ctx.pt(6)),
        _title(ctx, range(int(ctx.pt(40)), int(ctx.pt(20)), -1), 3),
        _sp(ctx.pt(8)),
        _rule(ctx),
        _flex(ctx, 10, 24),
        _when(ctx, ctx.pt(28), ctx.pt(24)),
        _flex(ctx, 10, 30),
        _description_block(ctx, ctx.body(14), (62 * mm * ctx.scale, 58 * mm * ctx.scale))
        if has_text
        else _ImageSlot(ctx.width, 90 * mm * ctx.scale),
        _flex(ctx, 10, 30),
        _details(ctx, ctx.body(15)),
        _flex(ctx, 8, 40),
        _footer_with_qr(ctx, 28 * mm * ctx.scale, ctx.body(14)),
    ]


def _poster(ctx: _Ctx) -> list[_Item]:
    return [
        _band(ctx, 22),
        _flex(ctx, 12, 36),
        _catch(ctx, ctx.pt(26)),
        _sp(ctx.pt(10)),
        _title(ctx, range(int(ctx.pt(72)), int(ctx.pt(30)), -2), 3),
        _sp(ctx.pt(12)),
        _rule(ctx, 5),
        _flex(ctx, 12, 30),
        _when(ctx, ctx.pt(36), ctx.pt(32)),
        _sp(ctx.pt(10)),
        _big_line(ctx, _("Venue"), ctx.sheet.venue, ctx.pt(26), ctx.sheet.venue_access),
        _sp(ctx.pt(6)),
        _big_line(ctx, _("Lecturer"), "\n".join(_lecturer_lines(ctx)), ctx.pt(22), ""),
        _flex(ctx, 10, 30),
        _ImageSlot(ctx.width * 0.7, 75 * mm * ctx.scale),
        _flex(ctx, 10, 30),
        _details(ctx, ctx.body(14), with_venue=False, with_lecturers=False),
        _flex(ctx, 8, 40),
        _footer_with_qr(ctx, 30 * mm * ctx.scale, ctx.body(14)),
    ]


def _big_line(ctx: _Ctx, label: str, value: str, size: float, small: str) -> Flowable | None:
    """A fact in large type for the poster: "会場：…" with an optional smaller second line."""
    if not value:
        return None
    st = style("big", size, bold=True, align=TA_CENTER, leading=size * 1.3)
    markup = f"{ctx.m(label)}：{ctx.m(value)}"
    if small:
        markup += f'<br/><font size="{max(BODY_PT, size * 0.6):.1f}">{ctx.m(small)}</font>'
    return paragraph(markup, st)


def _slip_top(ctx: _Ctx) -> list[_Item]:
    return [
        _band(ctx, 16),
        _flex(ctx, 6, 20),
        _catch(ctx, ctx.pt(17)),
        _sp(ctx.pt(4)),
        _title(ctx, range(int(ctx.pt(28)), int(ctx.pt(18)), -1), 2),
        _sp(ctx.pt(6)),
        _rule(ctx),
        _flex(ctx, 6, 16),
        _when(ctx, ctx.pt(22), ctx.pt(19)),
        _flex(ctx, 6, 16),
        _Optional(_description_block(ctx, ctx.body(12), (44 * mm, 34 * mm))),
        _flex(ctx, 6, 16),
        _details(ctx, ctx.body(12)),
        _flex(ctx, 4, 16),
        _footer_with_qr(ctx, 22 * mm * ctx.scale, ctx.body(12)),
    ]


def _slip_form(ctx: _Ctx) -> list[_Item]:
    """The tear-off application form: big boxes to write in by hand."""
    s = ctx.sheet
    head = style("slip-h", ctx.pt(20), bold=True, align=TA_CENTER)
    sub = style("slip-s", BODY_PT, bold=True, align=TA_CENTER)
    items: list[_Item] = [
        paragraph(ctx.m(_("Application form")), head),
        _sp(3),
        paragraph(ctx.m(s.title) + "<br/>" + ctx.m(date_ja(s.starts)), sub),
        _sp(6),
    ]
    label = style("slip-l", BODY_PT + 1, bold=True, align=TA_CENTER)
    fields = [
        (_("Reading (furigana)"), 9 * mm),
        (_("Name"), 15 * mm),
        (_("Phone"), 11 * mm),
        (_("Member number"), 11 * mm),
    ]
    label_w = 36 * mm
    rows = [[paragraph(ctx.m(text), label), ""] for text, _h in fields]
    form = Table(rows, colWidths=[label_w, ctx.width - label_w], rowHeights=[h for _t, h in fields])
    form.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 1.2, BLACK),
                ("BOX", (0, 0), (-1, -1), 2.2, BLACK),
                ("LINEAFTER", (0, 0), (0, -1), 2.2, BLACK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    items.append(form)
    notes = []
    if s.apply_by is not None:
        notes.append(_("Apply by {date}").format(date=date_ja(s.apply_by)))
    if s.contact:
        notes.append(_("Hand in to: {contact}").format(contact=s.contact))
    if notes:
        items += [_sp(4), paragraph(ctx.m("\n".join(notes)), style("slip-n", BODY_PT))]
    return items


SLIP_HEIGHT = 100 * mm  # from the bottom margin to the cut line, on A4


def _draw_cut_line(canvas: Canvas, y: float, x0: float, x1: float, label: str) -> None:
    size = BODY_PT
    text_w = canvas.stringWidth(label, PGOTHIC_BOLD, size)
    mid = (x0 + x1) / 2
    canvas.saveState()
    canvas.setLineWidth(1.2)
    canvas.setDash(6, 4)
    # The label interrupts the line rather than sitting on a white patch over it: nothing is
    # printed under the text, whatever the viewer or printer does with overlapping fills.
    canvas.line(x0, y, mid - text_w / 2 - 6, y)
    canvas.line(mid + text_w / 2 + 6, y, x1, y)
    canvas.setDash()
    canvas.setFillColor(BLACK)
    canvas.setFont(PGOTHIC_BOLD, size)
    canvas.drawCentredString(mid, y - size * 0.35, label)
    canvas.restoreState()


class _Flex(Spacer):
    """Vertical space that grows, up to `maximum`, to spread short content over the page."""

    def __init__(self, minimum: float, maximum: float) -> None:
        super().__init__(1, minimum)
        self.minimum = minimum
        self.maximum = maximum


@dataclass
class _Optional:
    """Content left out (with a warning) rather than shrinking the whole page for it."""

    content: Flowable | None


@dataclass
class _ImageSlot:
    """Where the photo goes; it gets the height left over once the text is laid out."""

    max_w: float
    max_h: float
    min_h: float = 25 * mm


_Item: TypeAlias = "Flowable | _ImageSlot | _Optional | None"


def _place(
    canvas: Canvas, items: list[_Item], x: float, y: float, w: float, h: float, ctx: _Ctx
) -> None:
    """Lay `items` into the box: optional blocks go first if the page is too full, the image
    takes the spare height, flexible spaces share what is left, and only if that is still
    too much is everything shrunk together (with a warning)."""

    def measure(flowables: list[Flowable]) -> float:
        total = 0.0
        for f in flowables:
            _w, fh = f.wrapOn(canvas, w, 1e6)
            total += fh + f.getSpaceBefore() + f.getSpaceAfter()
        return total

    def text_of(chosen: list[_Item]) -> list[Flowable]:
        out: list[Flowable] = []
        for i in chosen:
            if isinstance(i, _Optional):
                if i.content is not None:
                    out.append(i.content)
            elif i is not None and not isinstance(i, _ImageSlot):
                out.append(i)
        return out

    present = [i for i in items if i is not None]
    slack = h - measure(text_of(present))
    optional = [i for i in present if isinstance(i, _Optional) and i.content is not None]
    if slack < 0 and optional:
        present = [i for i in present if not isinstance(i, _Optional)]
        slack = h - measure(text_of(present))
        ctx.guard.warn(_("The description did not fit on this template and was left out."))
    content: list[Flowable] = []
    for item in present:
        if isinstance(item, _ImageSlot):
            room = min(item.max_h, slack - 4 * mm)
            image = _image(ctx, item.max_w, room) if room >= item.min_h else None
            if image is None:
                if room < item.min_h and ctx.sheet.image_path is not None:
                    ctx.guard.warn(_("There was no room left for the image on this template."))
                continue
            image.hAlign = "CENTER"
            content.append(image)
            slack -= image.drawHeight
        else:
            content.extend(text_of([item]))
    flex = sorted((f for f in content if isinstance(f, _Flex)), key=lambda f: f.maximum - f.minimum)
    for n, f in enumerate(flex):
        grow = min(max(0.0, slack) / (len(flex) - n), f.maximum - f.minimum)
        f.height = f.minimum + grow
        slack -= grow
    if flex and slack > 0:
        # Sparse content: spread it over the whole sheet rather than leave the bottom bare.
        for f in flex:
            f.height += slack / len(flex)
    box = KeepInFrame(w, h, content, mode="shrink", hAlign="CENTER", vAlign="TOP")
    frame = Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    frame.addFromList([box], canvas)
    shrink = getattr(box, "_scale", 1.0)  # content size / box size, > 1 when shrunk
    if shrink > 1.005:
        ctx.guard.warn(
            _(
                "The text did not fit and was printed at {percent}% size; "
                "shorten the description for larger type."
            ).format(percent=round(100 / shrink))
        )


def render_flyer(
    sheet: EventSheet, out: Path | None, template: str = "clean", paper: str = "A4"
) -> RenderResult:
    """One-page flyer for `sheet` in `template` ("clean", "poster", "slip") on A4 or B5.

    Writes `out` atomically (returns the PDF bytes instead when `out` is None).
    """
    if template not in TEMPLATES:
        raise UserError(
            _("Unknown flyer template {name}; use one of {choices}.").format(
                name=template, choices=", ".join(TEMPLATES)
            )
        )
    width, height = page_size(paper)
    scale = width / A4[0]
    margin = 13 * mm * scale
    guard = TextGuard(PGOTHIC)
    ctx = _Ctx(sheet=sheet, guard=guard, width=width - 2 * margin, scale=scale)
    buffer = io.BytesIO()
    canvas = new_canvas(
        buffer,
        (width, height),
        title=sheet.title,
        author=sheet.chapter_name,
        subject=_("Flyer"),
    )
    inner_h = height - 2 * margin
    if template == "clean":
        _place(canvas, _clean(ctx), margin, margin, ctx.width, inner_h, ctx)
    elif template == "poster":
        _place(canvas, _poster(ctx), margin, margin, ctx.width, inner_h, ctx)
    else:
        slip_h = SLIP_HEIGHT * scale
        gap = 7 * mm * scale
        top_y = margin + slip_h + gap
        _place(canvas, _slip_top(ctx), margin, top_y, ctx.width, height - margin - top_y, ctx)
        _draw_cut_line(canvas, margin + slip_h + gap / 2, 0, width, guard.text(_("Cut here")))
        _place(canvas, _slip_form(ctx), margin, margin, ctx.width, slip_h - 2 * mm, ctx)
    canvas.showPage()
    canvas.save()
    return result(buffer.getvalue(), out, 1, guard.warnings)
