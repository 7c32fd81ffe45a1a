"""The annual report's pages: building blocks, cover, sections."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
)

from app.core.i18n import current_language
from app.core.i18n import gettext as _
from app.printing.common import (
    BLACK,
    BODY_PT,
    WHITE,
    fiscal_year_label,
    page_size,
    style,
    table_style,
)
from app.printing.fonts import PGOTHIC, PGOTHIC_BOLD
from app.printing.text import TextGuard, paragraph
from app.reports.common import CITY_WIDE, GROUP_BY_MONTH, NO_THEME, day_label
from app.reports.results import ActivityRow, AnnualReport, CountLine
from app.reports.statistics import percent

MARGIN = 15 * mm
ACCENT = colors.HexColor("#1F4E79")
# Okabe-Ito colours: told apart with colour-blindness and still distinct on a grey copier.
BLUE = colors.HexColor("#0072B2")
ORANGE = colors.HexColor("#E69F00")
GREEN = colors.HexColor("#009E73")
PALE = colors.HexColor("#EEF3F8")
CHART_PT = 12.0
# Kinds whose title reads as a description, printed without 「」 (as in the seed document).
_PLAIN_TITLE_KINDS = frozenset({"donation", "community_cafe", "festival_booth"})


def _ja() -> bool:
    return current_language() == "ja"


def quoted_title(row: ActivityRow) -> str:
    """The title as the yearly report prints it: 「…」 unless it already carries brackets or
    is a description (a donation, a café, a festival booth, a drive told by its detail)."""
    title = row.title.strip()
    if "「" in title or row.kind in _PLAIN_TITLE_KINDS or row.detail.strip():
        return title
    return f"「{title}」" if _ja() else f"“{title}”"


def lecturer_text(name: str, affiliation: str, title: str = "") -> str:
    """出野 紀子さん（Studio-L）; English: 出野 紀子 (Studio-L)."""
    org = affiliation.strip()
    if title and not org.endswith(title):
        org = f"{org} {title}".strip()
    if _ja():
        return f"{name}さん（{org}）" if org else f"{name}さん"
    return f"{name} ({org})" if org else name


def lecturers_line(row: ActivityRow) -> str:
    """講師：出野 紀子さん（Studio-L）, or "" without lecturers."""
    if not row.lecturers:
        return ""
    sep = "、" if _ja() else ", "
    names = sep.join(lecturer_text(lec.name, lec.affiliation, lec.title) for lec in row.lecturers)
    return _("Lecturer: {names}").format(names=names)


def partner_lines(row: ActivityRow) -> list[str]:
    """（主催：…） lines: organisers, co-hosts, supporters, donors, recipients."""
    sep = "、" if _ja() else ", "
    out = []
    for names, label in (
        (row.organisers, _("Organised by: {names}")),
        (row.co_hosts, _("Co-hosted by: {names}")),
        (row.supporters, _("Supported by: {names}")),
        (row.donors, _("Donated by: {names}")),
        (row.recipients, _("Donated to: {names}")),
    ):
        if names:
            out.append(label.format(names=sep.join(names)))
    return out


def _period(label: str) -> str:
    # An ASCII tilde prints as a raised accent in Japanese fonts: use the wave dash's
    # full-width form, as 3月～6月 is written on paper.
    return label.replace("~", "～").replace("〜", "～")


def when_text(row: ActivityRow) -> str:
    """The dates as printed; an invented date says so."""
    estimated = " " + _("(date estimated)") if row.dates_estimated else ""
    if row.is_monthly:
        count = _("{count} dates in the year").format(count=len(row.dates))
        lead = _period(row.period_label) or day_label(row.first_date)
        return f"{lead} ／ {count}{estimated}"
    if row.period_label and row.dates_estimated:
        # The months come from the source; only the day inside them was invented.
        return _period(row.period_label)
    text = day_label(row.first_date)
    if row.ends_on is not None and row.ends_on > row.first_date:
        text += "～" + day_label(row.ends_on)
    if row.period_label:
        text = f"{_period(row.period_label)} ／ {text}"
    return text + estimated


def participants_text(row: ActivityRow) -> str:
    """Participants (with registrations and walk-ins), or "" where none were counted."""
    if row.attended is None:
        return ""
    if row.is_monthly:
        text = _("Participants: {count} over {dates} dates").format(
            count=row.attended, dates=len(row.dates)
        )
    else:
        text = _("Participants: {count}").format(count=row.attended)
    parts = []
    if row.registered:
        parts.append(_("{count} registered").format(count=row.registered))
    if row.walk_ins:
        parts.append(_("{count} walk-ins").format(count=row.walk_ins))
    if parts:
        text += "（" + "、".join(parts) + "）" if _ja() else " (" + ", ".join(parts) + ")"
    return text


# --- building blocks ---------------------------------------------------------------------


UNKNOWN = "—"  # a count nobody recorded: 0 would claim that nobody came


def _rows(report: AnnualReport) -> list[ActivityRow]:
    return [a for g in report.groups for a in g.activities]


def scope_text(report: AnnualReport) -> str:
    """Who the report is for: the chapter it was filtered to, the database's own chapter when
    every activity is that chapter's, otherwise the union and all its chapters."""
    if report.chapter_filter:
        return report.chapter_filter
    rows = _rows(report)
    own = report.scope_label
    if own and all(a.scope != CITY_WIDE and a.chapter_name == own for a in rows):
        return own
    return _("Tokyo Consumers' Co-operative Union (all chapters)")


def _counted(rows: Sequence[ActivityRow]) -> bool:
    """Whether anyone counted participants for any of `rows`."""
    return any(a.attended is not None or a.walk_ins for a in rows)


def _count_or_unknown(count: int, rows: Sequence[ActivityRow]) -> str:
    return f"{count:,}" if count or _counted(rows) else UNKNOWN


class _Doc:
    """What one report document needs while it is built."""

    def __init__(self, report: AnnualReport, paper: str = "A4") -> None:
        self.report = report
        # The paper rides on the document, not on the module: reports render on worker threads.
        self.page = page_size(paper)
        self.width = self.page[0] - 2 * MARGIN
        # Page breaks and chart heights are tuned on A4; a smaller sheet scales them by its
        # body height, so A4 stays exactly as it was.
        self.scale = (self.page[1] - 2 * MARGIN) / (page_size("A4")[1] - 2 * MARGIN)
        self.guard = TextGuard(PGOTHIC)
        self.scope = scope_text(report)
        self.rows = _rows(report)

    def m(self, text: str) -> str:
        return self.guard.markup(text)

    def p(self, text: str, size: float = BODY_PT, **kw: Any) -> Flowable:
        return paragraph(self.m(text), style(f"p{size}{kw}", size, **kw))


def _band(doc: _Doc, text: str, size: float = 16.0) -> Flowable:
    """A section heading: white on the accent colour, the full width."""
    cell = paragraph(doc.m(text), style("band", size, bold=True, color=WHITE))
    table = Table([[cell]], colWidths=[doc.width])
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _sub_band(doc: _Doc, text: str) -> Flowable:
    """A group heading (a month, a chapter): accent text over a rule."""
    cell = paragraph(doc.m(text), style("group", 15, bold=True, color=ACCENT))
    table = Table([[cell]], colWidths=[doc.width])
    table.setStyle(
        table_style(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 1.5, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _grid(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    numeric_from: int = 1,
    total_row: bool = False,
) -> Table:
    """A ruled table with a shaded header row that repeats on every page."""
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#808080")),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("FONTNAME", (0, 0), (-1, 0), PGOTHIC_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), BODY_PT),
        ("LEADING", (0, 0), (-1, -1), BODY_PT * 1.3),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for col, cell in enumerate(rows[0] if rows else []):
        if getattr(cell, "tight", False):
            commands += [
                ("LEFTPADDING", (col, 0), (col, 0), TIGHT_PAD),
                ("RIGHTPADDING", (col, 0), (col, 0), TIGHT_PAD),
            ]
    if total_row:
        commands += [
            ("FONTNAME", (0, -1), (-1, -1), PGOTHIC_BOLD),
            ("LINEABOVE", (0, -1), (-1, -1), 1.5, BLACK),
        ]
    table.setStyle(table_style(commands, PGOTHIC))
    return table


def _cell(doc: _Doc, text: str, size: float = BODY_PT, **kw: Any) -> Flowable:
    return paragraph(doc.m(text), style(f"cell{size}{kw}", size, **kw))


# A table cell's padding each side (ReportLab's default), and a header's when it is tight.
CELL_PAD = 6.0
TIGHT_PAD = 3.0
_WORDS = re.compile(r"[^\s-]*-|[^\s-]+")  # "Follow-ups" -> "Follow-", "ups"


def _english(text: str) -> bool:
    """Whether `text` is written without kana or kanji (so breaks only between words)."""
    return bool(text.strip()) and all(ord(ch) < 0x2E80 for ch in text)


def _longest_word(text: str, font: str, size: float = BODY_PT) -> float:
    """The widest word of English `text`; 0 for Japanese, which may break between any two
    characters."""
    if not _english(text):
        return 0.0
    return max((stringWidth(word, font, size) for word in _WORDS.findall(text)), default=0.0)


def _word_lines(text: str, font: str, size: float, room: float) -> list[str]:
    """`text` broken at spaces and after hyphens into lines `room` wide: the CJK wrapping of
    every paragraph would otherwise fill a line up to the last letter that fits, cutting an
    English word (「Compa / ny」) although it fits a line of its own."""
    lines: list[str] = []
    for piece in _WORDS.findall(text):
        joiner = "" if lines and lines[-1].endswith("-") else " "
        if lines and stringWidth(lines[-1] + joiner + piece, font, size) <= room:
            lines[-1] += joiner + piece
        else:
            lines.append(piece)
    return lines


def _wrapped_cell(
    doc: _Doc, text: str, width: float, bold: bool = False, pad: float = CELL_PAD
) -> Flowable:
    """A 12 pt cell of a column `width` wide: English broken between words, Japanese as ever."""
    if not _english(text):
        return _cell(doc, text, bold=bold)
    font = PGOTHIC_BOLD if bold else PGOTHIC
    lines = _word_lines(text, font, BODY_PT, width - 2 * pad)
    markup = "<br/>".join(doc.m(line) for line in lines)
    return paragraph(markup, style(f"cell{BODY_PT}{bold}", BODY_PT, bold=bold))


def _columns(total: float, shares: Sequence[float], needs: Sequence[float]) -> list[float]:
    """Column widths by `shares` of `total`; a column narrower than it `needs` (its longest
    English word) takes the difference from the columns with room to spare. Where nothing
    needs more (Japanese, A4) the widths are the shares exactly."""
    widths = [total * share for share in shares]
    short = sum(max(0.0, need - w) for need, w in zip(needs, widths, strict=True))
    spare = sum(max(0.0, w - need) for need, w in zip(needs, widths, strict=True))
    if short <= 0 or spare < short:
        return widths
    return [
        need if need >= w else w - (w - need) * short / spare
        for need, w in zip(needs, widths, strict=True)
    ]


def _header_need(label: str) -> float:
    """The narrowest column a header label fits without cutting a word (tight padding)."""
    return _longest_word(label, PGOTHIC_BOLD) + 2 * TIGHT_PAD


def _head(
    doc: _Doc, labels: Sequence[str], widths: Sequence[float] | None = None
) -> list[Flowable]:
    """Header cells that wrap inside their column instead of running over the next; given the
    columns' widths, English labels break between words, and one whose word would not fit
    the usual padding (「members」) gets less padding instead of being cut mid-word."""
    if widths is None:
        return [_cell(doc, label, bold=True) for label in labels]
    cells = []
    for label, width in zip(labels, widths, strict=True):
        # English needs its longest word whole; a short Japanese label (開催回数 on B5) is
        # kept on one line by the tight padding too, a longer one wraps as ever.
        if _english(label):
            need = _longest_word(label, PGOTHIC_BOLD)
        else:
            need = stringWidth(label, PGOTHIC_BOLD, BODY_PT)
        if need <= width - 2 * CELL_PAD or (not _english(label) and need > width - 2 * TIGHT_PAD):
            cells.append(_wrapped_cell(doc, label, width, bold=True))
            continue
        cell = _wrapped_cell(doc, label, width, bold=True, pad=TIGHT_PAD)
        cell.tight = True  # read by _grid: this header cell's padding is TIGHT_PAD
        cells.append(cell)
    return cells


# --- cover --------------------------------------------------------------------------------------


def _figures(doc: _Doc) -> list[tuple[str, str]]:
    r = doc.report
    s = r.stats
    people = _("{count} people")
    figures = [
        (_("Activities"), str(s.activities)),
        (_("Events held"), _("{count} times").format(count=s.event_dates)),
        (
            _("Participants"),
            people.format(count=f"{s.participants:,}") if _counted(doc.rows) else UNKNOWN,
        ),
        (_("Attendance rate (of those registered)"), percent(s.attendance_rate)),
    ]
    if r.quantity_text:
        figures.append((_("Food drives and donations"), r.quantity_text))
    figures.append(
        (_("New connections"), _("{count} organisations").format(count=len(r.connections)))
    )
    return figures


def _cover(doc: _Doc) -> list[Flowable]:
    r = doc.report
    title = doc.guard.text(_("Community-building activity report"))
    # One line if it can: a title broken in two pushes the cover onto a second page.
    title_pt = next(
        (
            pt
            for pt in (28, 26, 24, 22, 20, 18)
            if stringWidth(title, PGOTHIC_BOLD, pt) <= doc.width
        ),
        22,
    )
    # A smaller sheet closes the cover's gaps (A4's scale is 1) so the themes stay on it.
    k = doc.scale
    year_pt = 36.0 if k >= 1 else 32.0
    story: list[Flowable] = [
        doc.p(doc.scope, 18, bold=True, align=TA_CENTER, color=ACCENT),
        Spacer(1, 5 * mm * k),
        doc.p(r.fiscal_year_label, year_pt, bold=True, align=TA_CENTER, leading=year_pt * 44 / 36),
        doc.p(title, title_pt, bold=True, align=TA_CENTER, leading=title_pt * 1.3),
        Spacer(1, 2 * mm * k),
        doc.p(
            _("{label}: {first} to {last}").format(
                label=fiscal_year_label(r.fiscal_year),
                first=day_label(r.first_day),
                last=day_label(r.last_day),
            ),
            13,
            align=TA_CENTER,
        ),
        Spacer(1, 6 * mm * k),
    ]
    figures = _figures(doc)
    rows = [
        [_cell(doc, label, 14), _cell(doc, value, 16, bold=True, align=TA_RIGHT)]
        for label, value in figures
    ]
    # A figure stays on one line (「15 organisations」 on B5): its column widens for it.
    widest = max((stringWidth(v, PGOTHIC_BOLD, 16) for _label, v in figures), default=0.0)
    value_w = min(doc.width * 0.5, max(doc.width * 0.38, widest + 24))
    table = Table(rows, colWidths=[doc.width - value_w, value_w])
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, ACCENT),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, colors.HexColor("#B0C4DE")),
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3 * k),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * k),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    story += [table, Spacer(1, 3 * mm * k)]
    notes = [_("This report holds no personal data: watch-over and members appear only as counts.")]
    if r.any_estimated:
        notes.append(
            _("Dates marked “(date estimated)” were not recorded; the day shown is an estimate.")
        )
    # The notes above the themes: a long list of themes may run on, the notes never strand.
    story += [doc.p("※" + n, BODY_PT) for n in notes]
    story.append(Spacer(1, 5 * mm * doc.scale))
    story += _themes(doc)
    return story


def _themes(doc: _Doc) -> list[Flowable]:
    r = doc.report
    story: list[Flowable] = [_band(doc, _("Themes of the year"), 15), Spacer(1, 3 * mm)]
    if not r.themes:
        return [*story, doc.p(_("No theme was recorded for this year's activities."))]
    labels = [_("Theme"), _("Activities"), _("Participants"), _("Drives and donations")]
    widths = _columns(doc.width, (0.40, 0.16, 0.19, 0.25), [_header_need(t) for t in labels])
    rows: list[list[Any]] = [_head(doc, labels, widths)]
    for t in r.themes:
        rows.append(
            [
                _cell(doc, t.label, bold=True),
                str(t.activities),
                _count_or_unknown(
                    t.participants,
                    [a for a in doc.rows if t.key in (a.themes or (NO_THEME,))],
                ),
                t.quantity_text or "—",
            ]
        )
    if r.quantity_text:
        rows.append(
            [
                _cell(doc, _("Food drives and donations, all themes"), bold=True),
                "",
                "",
                r.quantity_text,
            ]
        )
    story.append(_grid(rows, widths, total_row=bool(r.quantity_text)))
    return story


# --- activities ---------------------------------------------------------------------------------


def _activity(doc: _Doc, row: ActivityRow) -> Flowable:
    """One activity as the yearly report shows it: catch copy, title, lecturer, organisers."""
    meta = [row.kind_label]
    if row.series_label:
        meta.append(row.series_label)
    meta.append(when_text(row))
    parts: list[Flowable] = [doc.p("｜".join(meta), BODY_PT, color=ACCENT)]
    if row.catch_copy:
        parts.append(doc.p(row.catch_copy, 14, bold=True))
    parts.append(doc.p(quoted_title(row), 16, bold=True, leading=16 * 1.3))
    for line in (lecturers_line(row), *partner_lines(row)):
        if line:
            parts.append(doc.p(line, 13))
    if row.detail:
        parts.append(doc.p(row.detail, BODY_PT))
    facts = []
    if row.quantity_text:
        facts.append(_("Quantity: {quantity}").format(quantity=row.quantity_text))
    if row.venue:
        facts.append(_("Venue: {venue}").format(venue=row.venue))
    who = participants_text(row)
    if who:
        facts.append(who)
    if row.theme_labels:
        facts.append(_("Themes: {themes}").format(themes="、".join(row.theme_labels)))
    if row.status == "planned":
        facts.append(_("(planned)"))
    if facts:
        parts.append(doc.p("\u3000".join(facts), BODY_PT, color=colors.HexColor("#333333")))
    card = Table([[parts]], colWidths=[doc.width])
    card.setStyle(
        table_style(
            [
                ("LINEBEFORE", (0, 0), (0, -1), 4, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return KeepTogether([card, Spacer(1, 4 * mm)])


def _activities(doc: _Doc) -> list[Flowable]:
    r = doc.report
    heading = (
        _("Activities of the year, by month")
        if r.group_by == GROUP_BY_MONTH
        else _("Activities of the year, by chapter and municipality")
    )
    story: list[Flowable] = [_band(doc, heading), Spacer(1, 4 * mm)]
    if not r.groups:
        return [*story, doc.p(_("No activity was recorded in this fiscal year."))]
    for group in r.groups:
        story.append(CondPageBreak(60 * mm))
        story.append(_sub_band(doc, group.label))
        story.append(Spacer(1, 3 * mm))
        story += [_activity(doc, a) for a in group.activities]
        story.append(Spacer(1, 3 * mm))
    return story


# --- connections and watch-over ------------------------------------------------------------


def _connections(doc: _Doc) -> list[Flowable]:
    r = doc.report
    story: list[Flowable] = [
        _band(doc, _("New connections")),
        Spacer(1, 3 * mm),
        doc.p(_("Organisations we worked with for the first time this year (no earlier event).")),
        Spacer(1, 3 * mm),
    ]
    if not r.connections:
        return [*story, doc.p(_("No new organisation this year."))]
    sep = "、" if _ja() else ", "
    labels = [_("Organisation"), _("Kind"), _("Together as"), _("First activity")]
    # A kind or role in English keeps its words whole (「federation」, 「organisation」).
    kinds = [_longest_word(c.kind_label, PGOTHIC) + 2 * CELL_PAD for c in r.connections]
    roles = [_longest_word(sep.join(c.roles), PGOTHIC) + 2 * CELL_PAD for c in r.connections]
    needs = [
        _header_need(labels[0]),
        max([_header_need(labels[1]), *kinds]),
        max([_header_need(labels[2]), *roles]),
        _header_need(labels[3]),
    ]
    widths = _columns(doc.width, (0.28, 0.16, 0.21, 0.35), needs)
    rows: list[list[Any]] = [_head(doc, labels, widths)]
    for c in r.connections:
        rows.append(
            [
                _cell(doc, c.organisation, bold=True),
                _wrapped_cell(doc, c.kind_label or "—", widths[1]),
                _wrapped_cell(doc, sep.join(c.roles), widths[2]),
                _cell(doc, f"{c.first_activity}（{day_label(c.first_date)}）"),
            ]
        )
    story.append(_grid(rows, widths, numeric_from=99))
    return story


def _count_rows(doc: _Doc, lines: Sequence[CountLine]) -> list[list[Any]]:
    return [[_cell(doc, "\u3000" + c.label), f"{c.count:,}"] for c in lines]


def _watch(doc: _Doc) -> list[Flowable]:
    w = doc.report.watch
    story: list[Flowable] = [
        _band(doc, _("Watch-over (counts only)")),
        Spacer(1, 3 * mm),
        doc.p(_("Numbers only: nobody under watch is named in this report.")),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[Any]] = [_head(doc, [_("Figure"), _("Count")])]
    rows.append(
        [
            _cell(doc, _("People under watch during the year"), bold=True),
            f"{w.people_under_watch:,}",
        ]
    )
    rows.append([_cell(doc, _("Started this year")), f"{w.people_started:,}"])
    rows.append([_cell(doc, _("Ended this year")), f"{w.people_ended:,}"])
    rows += _count_rows(doc, w.ended_by_reason)
    rows.append([_cell(doc, _("Visits and calls"), bold=True), f"{w.visits:,}"])
    rows += _count_rows(doc, w.visits_by_method)
    if w.visits_by_outcome:
        rows.append([_cell(doc, _("Visits by what was found"), bold=True), ""])
        rows += _count_rows(doc, w.visits_by_outcome)
    rows.append([_cell(doc, _("Follow-ups opened"), bold=True), f"{w.follow_ups_opened:,}"])
    rows += _count_rows(doc, w.follow_ups_by_urgency)
    rows.append([_cell(doc, _("Follow-ups closed")), f"{w.follow_ups_closed:,}"])
    rows.append(
        [_cell(doc, _("Follow-ups still open at year end")), f"{w.follow_ups_open_at_year_end:,}"]
    )
    story.append(_grid(rows, [doc.width * 0.7, doc.width * 0.3]))
    return story
