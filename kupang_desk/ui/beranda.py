"""Beranda of a puskesmas (tiles that open their rows, the 12-month trend and the month's top ten)
and of a school (recipients and money, deadlines, the students left out).

The tiles and the table are painted at once from the kept counts; the chart library (pyqtgraph,
with numpy: half a second to import) loads after the first paint, so the window never waits on it.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import clock
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.backup import copies as backup
from kupang_desk.beranda.puskesmas import (
    AccessHome,
    Coverage,
    Indicator,
    Opens,
    PuskesmasHome,
    PwsHome,
    access_home,
    puskesmas_home,
)
from kupang_desk.documents.table import Period
from kupang_desk.formatting import (
    format_age,
    format_date,
    format_number,
    format_rate,
    month_names,
)
from kupang_desk.i18n import _
from kupang_desk.reports.counts import MonthPoint
from kupang_desk.ui.operations import Operation, run_in_background
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.widgets import ERROR_STYLE, ListModel, list_model, record_table

log = logging.getLogger(__name__)

TILE_STYLE = ("QPushButton#tile { text-align: left; padding: 8px 12px; border: 1px solid palette(mid); border-radius: 6px;"
              " background: palette(base); } QPushButton#tile:hover { border-color: palette(highlight); }")


def percent_change(change: float | None) -> str:
    """``naik 12%``, ``turun 3%``, ``sama``; empty without last year's figure."""
    if change is None:
        return ""
    rounded = round(change * 100)
    if rounded == 0:
        return _("sama")
    return (_("naik {n}%") if rounded > 0 else _("turun {n}%")).format(n=abs(rounded))


class Tile(QPushButton):
    """A figure, large, with its title above and a line under it; clicking (or Enter) opens the rows
    behind it."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.key, self.title = key, title
        self.value, self.detail = "", ""
        self.opens: Opens | None = None
        self.setMinimumHeight(92)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.labels = [QLabel(title), QLabel("…"), QLabel()]
        big = self.labels[1].font()
        self.largest = big.pointSizeF() * 2
        big.setPointSizeF(self.largest)
        big.setBold(True)
        self.labels[1].setFont(big)
        self.labels[1].setMinimumWidth(1)  # the figure shrinks its font to fit, never the text (Rupiah are never cut)
        self.labels[0].setWordWrap(True)
        self.labels[2].setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(0)
        for label in self.labels:
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)

    def fit_figure(self) -> None:
        """The largest font, up to twice the normal size, at which the whole figure fits the tile."""
        label = self.labels[1]
        room = max(10, self.contentsRect().width() - 24)
        font = label.font()
        size = self.largest
        font.setPointSizeF(size)
        while size > 7 and QFontMetrics(font).horizontalAdvance(label.text()) > room:
            size -= 0.5
            font.setPointSizeF(size)
        label.setFont(font)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_figure()

    def show_figure(self, value: str, detail: str, opens: Opens | None) -> None:
        self.value, self.detail, self.opens = value, detail, opens
        self.labels[1].setText(value)
        self.fit_figure()
        self.labels[2].setText(detail)
        self.setAccessibleName(f"{self.title}: {value}. {detail}")
        self.setToolTip(_("Klik untuk membuka daftarnya") if opens else "")
        self.setEnabled(opens is not None)


CHART_FAILURE: list[str] = []  # why the chart library did not load, when it did not


def _import_chart_library() -> None:
    try:
        import numpy  # noqa: F401 - the bulk of the time, and no Qt in it
        import pyqtgraph  # noqa: F401
    except ImportError as error:  # a build without a module it needs: said on the page, not waited for
        log.exception("The chart library did not load")
        CHART_FAILURE.append(str(error))


CHART_LIBRARY = threading.Thread(target=_import_chart_library, name="chart-library", daemon=True)


class TrendChart(QWidget):
    """Kunjungan baru and lama per month as stacked bars (pyqtgraph), months in Indonesian."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[MonthPoint] = []
        self.plot: Any = None  # a pyqtgraph PlotWidget once its library is in (pyqtgraph has no types)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.waiting = QLabel(_("Memuat grafik..."))
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.layout_.addWidget(self.waiting)
        self.setMinimumHeight(170)

    def show_points(self, points: list[MonthPoint]) -> None:
        self.points = points
        if self.plot is not None:
            self._draw()

    def load(self) -> None:
        """Builds the chart once its library is in: numpy and pyqtgraph (most of a second on an office
        PC) are imported on a thread of their own, so the window takes keystrokes meanwhile."""
        if self.plot is not None:
            return
        if CHART_FAILURE:
            self.waiting.setText(_("Grafik tidak dapat ditampilkan di PC ini (pustaka grafik tidak lengkap: {reason}). "
                                   "Angka di kotak dan tabel tetap benar.").format(reason=CHART_FAILURE[0]))
            self.waiting.setWordWrap(True)
            return
        if "pyqtgraph" not in sys.modules or CHART_LIBRARY.is_alive():
            if not CHART_LIBRARY.is_alive() and not CHART_LIBRARY.ident:
                CHART_LIBRARY.start()
            QTimer.singleShot(40, self, self.load)
            return
        self._build()

    def _build(self) -> None:
        import pyqtgraph as pg  # already imported by CHART_LIBRARY: this only names it

        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.pg = pg
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("trendPlot")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.addLegend(offset=(10, 5))
        self.plot.getAxis("left").setLabel(_("Kunjungan"))
        self.plot.getAxis("bottom").setHeight(44)
        self.layout_.removeWidget(self.waiting)
        self.waiting.hide()
        self.layout_.addWidget(self.plot)
        self._draw()

    def _draw(self) -> None:
        pg, plot = self.pg, self.plot
        plot.clear()
        names = month_names()
        xs = list(range(len(self.points)))
        new = [p.new for p in self.points]
        old = [p.old for p in self.points]
        plot.addItem(pg.BarGraphItem(x=xs, height=new, width=0.7, brush="#2e7d32", name=_("Kunjungan baru")))
        plot.addItem(pg.BarGraphItem(x=xs, y0=new, height=old, width=0.7, brush="#90caf9", name=_("Kunjungan lama")))
        ticks = [(x, f"{names[p.month - 1][:3]}\n{p.year}") for x, p in zip(xs, self.points, strict=True)]
        plot.getAxis("bottom").setTicks([ticks])
        axis = plot.getAxis("left")
        axis.tickStrings = lambda values, scale, spacing: [format_number(int(v)) for v in values]
        plot.setYRange(0, max([n + o for n, o in zip(new, old, strict=True)] + [1]) * 1.1, padding=0)
        plot.setXRange(-0.6, len(xs) - 0.4, padding=0)


# Kota Kupang's six kecamatan on a 5 x 3 grid, roughly where they lie: Kupang Bay to the north,
# Alak along the west, Kota Lama and Kelapa Lima on the coast, Kota Raja and Oebobo inland, Maulafa
# to the south. (column, row, columns, rows); the kelurahan are tiles inside their kecamatan.
CITY_BLOCKS = {"53.71.01": (0, 0, 1, 3), "53.71.06": (1, 0, 2, 1), "53.71.03": (3, 0, 2, 1),
               "53.71.05": (1, 1, 2, 1), "53.71.04": (3, 1, 2, 1), "53.71.02": (1, 2, 4, 1)}


class KelurahanMap(QWidget):
    """Kota Kupang's kelurahan as a tile grid laid out like the city, each shaded by its visits per
    1,000 inhabitants (pale: few; grey: no population entered), the working area outlined. A click
    (or Enter on the list beside it) opens the register of that kelurahan's visits."""

    open_area = Signal(object)  # a Reach

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kelurahanMap")
        self.areas: list = []
        self.tiles: list = []  # (QRectF, Reach), as last painted
        self.setMinimumSize(360, 170)
        self.setMouseTracking(True)

    def show_areas(self, areas: list) -> None:
        self.areas = areas
        self.tiles = []
        self.update()

    def _layout(self) -> list:
        width, height = self.width() - 2, self.height() - 2
        cell_w, cell_h = width / 5, height / 3
        by_block: dict[str, list] = {}
        for area in sorted(self.areas, key=lambda a: a.code):
            by_block.setdefault(area.code[:8], []).append(area)
        tiles = []
        for block, (column, row, columns, rows) in CITY_BLOCKS.items():
            members = by_block.get(block, [])
            if not members:
                continue
            box = QRectF(1 + column * cell_w, 1 + row * cell_h, columns * cell_w, rows * cell_h).adjusted(2, 2, -2, -2)
            across = max(1, round((len(members) * box.width() / max(box.height(), 1)) ** 0.5))
            down = -(-len(members) // across)
            tile_w, tile_h = box.width() / across, box.height() / down
            for index, area in enumerate(members):
                tiles.append((QRectF(box.x() + (index % across) * tile_w, box.y() + (index // across) * tile_h,
                                     tile_w, tile_h).adjusted(1, 1, -1, -1), area))
        return tiles

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.tiles = self._layout()
        painter = QPainter(self)
        rates = [a.per_1000 for _r, a in self.tiles if a.per_1000 is not None]
        top = max(rates) if rates else 1.0
        small = painter.font()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.75))
        painter.setFont(small)
        for rect, area in self.tiles:
            if area.per_1000 is None:
                fill, ink = QColor("#e0e0e0"), QColor("#555555")
            else:
                share = area.per_1000 / top if top else 0.0
                fill = QColor.fromHsvF(0.38, 0.15 + 0.75 * share, 0.95 - 0.45 * share)
                ink = QColor("white") if share > 0.55 else QColor("#1b1b1b")
            painter.fillRect(rect, fill)
            painter.setPen(QPen(QColor("#0b3d2e") if area.inside else QColor("#9e9e9e"), 2.5 if area.inside else 1))
            painter.drawRect(rect)
            painter.setPen(ink)
            rate = "–" if area.per_1000 is None else format_rate(area.per_1000)
            name = painter.fontMetrics().elidedText(area.name, Qt.TextElideMode.ElideRight, int(rect.width() - 4))
            painter.drawText(rect.adjusted(2, 1, -2, -1), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                             f"{name}\n{rate}")
        painter.end()

    def area_at(self, point) -> object | None:
        for rect, area in self.tiles or self._layout():
            if rect.contains(point):
                return area
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        area = self.area_at(event.position())
        if area is not None:
            self.open_area.emit(area)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            area = self.area_at(event.pos().toPointF())
            if area is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), area_words(area), self)
            return True
        return super().event(event)


def area_words(area) -> str:
    """``Oebobo (Oebobo, wilayah kerja): 1.234 kunjungan, 61,5 per 1.000 penduduk; PBI 45,0%``."""
    where = area.kecamatan + (", " + _("wilayah kerja") if area.inside else "")
    rate = (_("{rate} per 1.000 penduduk").format(rate=format_rate(area.per_1000)) if area.per_1000 is not None
            else _("penduduk belum diisi"))
    share = "" if area.pbi_share is None else "; " + _("PBI {share}%").format(share=format_rate(area.pbi_share))
    return _("{name} ({where}): {visits} kunjungan, {rate}").format(
        name=area.name, where=where, visits=format_number(area.visits), rate=rate) + share


class PuskesmasBeranda(QWidget, SectionView):
    """What this month looks like: tiles, the trend, the ten most frequent diseases, the watch list."""

    open_register = Signal(object)  # a VisitFilter
    open_section = Signal(str)
    open_ckg = Signal()
    open_report = Signal(str, object)  # kind, Period
    search_patient = Signal(str)  # what the clerk began to type in the Beranda's search box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home: PuskesmasHome | None = None
        self.setStyleSheet(TILE_STYLE)
        self.heading = QLabel()
        self.heading.setObjectName("berandaHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setText(_("Beranda · {day}").format(day=format_date(clock.today())))  # before the figures come
        # Focused when the window opens: the loket types a name at once and lands in Pasien with it.
        self.search = QLineEdit()
        self.search.setObjectName("berandaSearch")
        self.search.setPlaceholderText(_("Cari pasien: nama, NIK, No. RM atau BPJS"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.textEdited.connect(self._search_typed)
        self.search.setVisible(allowed(session.current(), "patient.read"))
        self.tiles = {key: Tile(key, title) for key, title in (
            ("today", _("Kunjungan hari ini")), ("month", _("Kunjungan bulan ini")),
            ("last_year", _("Tahun lalu")), ("queue", _("Menunggu di antrean")),
            ("reports", _("Laporan")), ("backup", _("Cadangan terakhir")))}
        tiles = QGridLayout()
        for column, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, 0, column)
            tiles.setColumnStretch(column, 1)
            tile.clicked.connect(lambda _checked=False, t=tile: self._open(t.opens))
        self.chart = TrendChart()
        self.top = records([(_("Kode"), lambda d: d.code), (_("Penyakit"), lambda d: d.name),
                             (_("Bulan ini"), lambda d: format_number(d.cases)),
                             (_("Bulan lalu"), lambda d: format_number(d.previous)),
                             (_("Perubahan"), lambda d: f"{d.cases - d.previous:+d}" if d.cases != d.previous else "0")],
                            right=(2, 3, 4))
        self.top.setObjectName("topDiseases")
        self.top.setToolTip(_("Bulan lalu: kasus baru sampai tanggal yang sama bulan lalu. Klik dua kali untuk membuka "
                              "kunjungannya di register"))
        for signal in (self.top.doubleClicked, self.top.activated):
            signal.connect(lambda index: self._open(list_model(self.top).item(index.row()).opens))
        self.watch = QLabel()
        self.watch.setObjectName("watchList")
        self.watch.setWordWrap(True)
        self.watch.setTextFormat(Qt.TextFormat.RichText)
        self.watch.linkActivated.connect(lambda _link: self.open_section.emit("laporan"))
        self.kbk = QLabel()  # BPJS's KBK figures this month, when the office works with P-Care
        self.kbk.setObjectName("kbkMonitor")
        self.kbk.setWordWrap(True)
        self.kbk.setTextFormat(Qt.TextFormat.RichText)
        self.kbk.hide()
        self.ckg = QLabel()  # the CKG at school, once a school's roster came in
        self.ckg.setObjectName("ckgCoverage")
        self.ckg.setWordWrap(True)
        self.ckg.setTextFormat(Qt.TextFormat.RichText)
        self.ckg.hide()
        self.ckg.linkActivated.connect(lambda _link: self.open_ckg.emit())
        self.pws = QLabel()  # mother and child since January, once a pregnancy or a birth is registered
        self.pws.setObjectName("pwsSummary")
        self.pws.setWordWrap(True)
        self.pws.setTextFormat(Qt.TextFormat.RichText)
        self.pws.hide()
        self.pws.linkActivated.connect(lambda _link: self.home and self.open_report.emit(
            "screening", Period.between(self.home.today.replace(month=1, day=1), self.home.today)))
        self.access: AccessHome | None = None
        self.access_operation: Operation | None = None
        self.counting: Operation | None = None  # the tiles' count on its worker (``count_in_background``)
        self.counts_asked = 0
        self.access_day = clock.today()
        self.map = KelurahanMap()
        self.map.open_area.connect(lambda area: self.access and self._open(self.access.opens(area)))
        self.reach = QLabel()
        self.reach.setObjectName("leastReached")
        self.reach.setWordWrap(True)
        self.reach.setTextFormat(Qt.TextFormat.RichText)
        self.reach.linkActivated.connect(self._open_reach)
        left, right = QVBoxLayout(), QVBoxLayout()
        for layout, title, widget, stretch in (
                (left, _("Kunjungan 12 bulan terakhir"), self.chart, 3),
                (left, _("Kunjungan per 1.000 penduduk per kelurahan, 12 bulan terakhir (garis tebal: wilayah kerja)"),
                 self.map, 2),
                (right, _("10 penyakit terbanyak bulan ini (kasus baru)"), self.top, 1)):
            caption = QLabel(f"<b>{title}</b>")
            caption.setWordWrap(True)  # a long title never widens the window
            layout.addWidget(caption)
            layout.addWidget(widget, stretch)
        left.addWidget(self.reach)
        right.addWidget(self.watch)
        right.addWidget(self.kbk)
        right.addWidget(self.ckg)
        right.addWidget(self.pws)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(tiles)
        layout.addLayout(body, 1)

    def refresh(self, today: dt.date | None = None) -> PuskesmasHome:
        """Counts again on this thread and paints; the chart follows."""
        return self.show_home(puskesmas_home(today))

    def attach(self, window) -> None:
        self.open_register.connect(lambda flt: window.open_in("kunjungan", "filter", flt=flt))
        self.open_section.connect(lambda key: window.open_in(key, {"laporan": "calendar", "pengaturan": "backup"}.get(key)))
        self.open_report.connect(lambda kind, period: window.open_in("laporan", "report", kind=kind, period=period))
        self.search_patient.connect(lambda text: window.open_in("pasien", "search", text=text))
        self.open_ckg.connect(window.open_ckg)

    def section_shown(self) -> None:
        """The figures again, counted off the GUI thread once the page is drawn."""
        QTimer.singleShot(0, self, self.count_in_background)

    def count_in_background(self, today: dt.date | None = None) -> Operation:
        """Counts on a worker and paints when it is done, so the window never waits on the figures
        (0.05 s from the kept counts on two million visits; more on a cold disk). Until then each tile
        shows "…"; of two counts asked for, only the later one is painted."""
        self.counts_asked += 1
        asked = self.counts_asked
        self.counting = run_in_background(
            self, lambda _task: puskesmas_home(today), title=_("Menghitung Beranda"), show_progress=False,
            on_success=lambda home: self.show_home(home) if asked == self.counts_asked else None,
            on_failure=lambda error: log.warning("Beranda not shown: %s", error))
        return self.counting

    def show_home(self, home: PuskesmasHome) -> PuskesmasHome:
        self.home = home
        self.heading.setText(_("Beranda · {day}").format(day=format_date(home.today)))
        self.tiles["today"].show_figure(format_number(home.visits_today), format_date(home.today), home.opens_today)
        self.tiles["month"].show_figure(format_number(home.visits_month),
                                        percent_change(home.change) + (" " + _("dari tahun lalu") if home.change is not None
                                                                       else _("belum ada data tahun lalu")), home.opens_month)
        self.tiles["last_year"].show_figure(format_number(home.visits_month_last_year), home.last_year_words,
                                            home.opens_month_last_year)
        list_model(self.top).set_items(home.top)
        self.show_kbk(home.kbk)
        self.show_ckg(home.ckg)
        self.show_pws(home.pws)
        self.show_queue(home.waiting)
        self.show_backup()
        self.chart.show_points(home.trend)
        # What follows the first paint waits for it, so that neither takes the processor from the window
        # while it opens: the map's count in 0.3 s, the chart library in 1 s (both off the GUI thread).
        # (Timers bound to the page: a page closed or gone before they fire is left alone.)
        QTimer.singleShot(1000, self.chart, self.chart.load)
        self.access_day = home.today
        QTimer.singleShot(300, self, self._load_access)
        return home

    def show_ckg(self, schools: list[Coverage]) -> None:
        """The CKG at school: screened of those on the rosters, per school, and the referrals still open."""
        self.ckg.setVisible(bool(schools))
        if not schools:
            return
        enrolled, screened = sum(s.enrolled for s in schools), sum(s.screened for s in schools)
        referred, done = sum(s.referred for s in schools), sum(s.referral_done for s in schools)
        lines = [f"<b>{escape(_('CKG sekolah'))}</b> · <a href='ckg'>{escape(_('buka'))}</a>",
                 escape(_("{screened} dari {enrolled} siswa diperiksa di {schools} sekolah; {referred} dirujuk, {done} sudah "
                          "ditindaklanjuti").format(screened=format_number(screened), enrolled=format_number(enrolled),
                                                    schools=len(schools), referred=format_number(referred),
                                                    done=format_number(done)))]
        lines += [escape(_("{school}: {screened}/{enrolled} ({percent:.0f}%)").format(
            school=s.school_name, screened=s.screened, enrolled=s.enrolled, percent=s.percent)) for s in schools[:6]]
        self.ckg.setText("<br>".join(lines))

    def show_pws(self, figures: PwsHome | None) -> None:
        """K1, K4, K6, KN lengkap and IDL of the working area since 1 January, each as a share of the
        year's target; the counts alone, with where to enter the targets, while there are none."""
        self.pws.setVisible(figures is not None)
        if figures is None:
            return
        counts, whole = figures.counts, figures.coverage

        def share(part: int, target: int) -> str:
            return f"{format_number(part)}/{format_number(target)} ({format_rate(100 * part / target)}%)" if target else "-"

        if whole.pregnant_target or whole.infant_target:
            mothers, babies = whole.mothers, whole.babies
            words = [(_("K1"), share(mothers.k1, whole.pregnant_target)), (_("K4"), share(mothers.k4, whole.pregnant_target)),
                     (_("K6"), share(mothers.k6, whole.pregnant_target)),
                     (_("KN lengkap"), share(babies.kn_complete, whole.infant_target)),
                     (_("IDL"), share(babies.idl, whole.infant_target))]
            tip = _("Dari kehamilan, kelahiran dan centang skrining yang tercatat sejak 1 Januari, dibagi sasaran setahun "
                    "(Pengaturan > Penduduk): sasaran ibu hamil {pregnant}, sasaran bayi {infants}.").format(
                pregnant=format_number(whole.pregnant_target), infants=format_number(whole.infant_target))
            if whole.missing:
                tip += " " + _("{count} kelurahan belum punya sasaran dan tidak dihitung.").format(count=len(whole.missing))
            lacking = ""
        else:
            words = [(_("K1"), str(counts.k1)), (_("K4"), str(counts.k4)), (_("K6"), str(counts.k6)),
                     (_("KN lengkap"), str(counts.kn_complete)), (_("IDL"), str(counts.idl))]
            tip = _("Jumlah sejak 1 Januari. Cakupan dihitung setelah sasaran ibu hamil dan bayi diisi di Pengaturan > "
                    "Penduduk.")
            lacking = "<br><i>" + escape(_("Sasaran belum diisi (Pengaturan > Penduduk): cakupan belum dihitung.")) + "</i>"
        heading = _("PWS ibu dan anak sejak Januari")
        self.pws.setText(f"<b>{escape(heading)}</b> · <a href='pws'>{escape(_('buka laporan'))}</a><br>"
                         + " · ".join(f"{escape(name)} {escape(value)}" for name, value in words) + lacking)
        self.pws.setToolTip(tip)

    def show_kbk(self, figures: list[Indicator]) -> None:
        """Each KBK figure against BPJS's target: green when met, red when not, grey with what to fill
        in when it cannot be counted; how it was counted in the tooltip."""
        self.kbk.setVisible(bool(figures))
        heading, aim = _("KBK BPJS bulan ini"), _("target {target}")
        lines = [f"<b>{escape(heading)}</b>"]
        for figure in figures:
            colour = "#777777" if figure.met is None else "#1b7f3b" if figure.met else "#b00020"
            words = figure.missing or figure.counted
            lines.append(f'{escape(figure.title)}: <b style="color: {colour};">{escape(figure.value)}</b> '
                         f'({escape(aim.format(target=figure.target))}) '
                         f'<span style="color: #555555;">· {escape(words)}</span>')
        self.kbk.setText("<br>".join(lines))
        self.kbk.setToolTip(_("Dihitung dari kunjungan JKN di Kupang Desk sampai hari ini; BPJS menghitung dari P-Care."))

    def _search_typed(self, text: str) -> None:
        if text.strip():
            self.search.clear()
            self.search_patient.emit(text)

    def _load_access(self) -> None:
        """The map's figures (a year of kept counts: a tenth of a second warm, more on a cold disk),
        counted off the GUI thread so that the window never waits on them."""
        day = self.access_day
        if not self.isVisible() or (self.access_operation is not None and self.access_operation.running):
            return
        self.access_operation = run_in_background(
            self, lambda _task: access_home(day), title=_("Menghitung akses layanan"), on_success=self.show_access,
            on_failure=lambda error: log.warning("Beranda map not shown: %s", error), show_progress=False)

    def show_access(self, access: AccessHome) -> None:
        self.access = access
        self.map.show_areas(access.areas)
        least = access.least_reached()
        if not least:
            self.reach.setText(_("Isi jumlah penduduk per kelurahan di Pengaturan > Daftar rujukan > Penduduk untuk "
                                 "melihat kelurahan yang belum terjangkau."))
            return
        links = ", ".join(f"<a href='{a.code}'>{a.name}</a> ({format_rate(a.per_1000 or 0)})" for a in least)
        report = _("Laporan akses per kelurahan")
        self.reach.setText(_("Paling sedikit terjangkau: {links}. <a href='laporan-akses'>{report}</a>").format(
            links=links, report=report))

    def _open_reach(self, link: str) -> None:
        if self.access is None:
            return
        if link == "laporan-akses":
            self.open_report.emit("access", self.access.period)
            return
        area = next((a for a in self.access.areas if a.code == link), None)
        if area is not None:
            self._open(self.access.opens(area))

    def show_backup(self) -> None:
        """The newest backup in the backup folder (a listing of one folder), late in red words past the
        days Pengaturan allows; opens Pengaturan, where the backups are."""
        last = backup.last_backup()  # the status bar's answer too
        folder, age, late = last.folder, last.age, last.late
        if age is None:
            value, detail = "-", _("belum ada cadangan")
        elif age.days < 1:
            value, detail = _("hari ini"), format_age(age)
        else:
            value = _("{n} hari").format(n=age.days)
            detail = _("lalu; terlambat, buat cadangan hari ini") if late else _("yang lalu")
        self.tiles["backup"].show_figure(value, detail, Opens(section="pengaturan"))
        self.tiles["backup"].labels[2].setStyleSheet(ERROR_STYLE if late else "")
        self.tiles["backup"].setToolTip(_("Cadangan di {folder}").format(folder=folder))

    def show_queue(self, waiting: int | None) -> None:
        if waiting is None:
            self.tiles["queue"].show_figure("-", _("antrean tidak dipakai"), Opens(section="antrean"))
        else:
            self.tiles["queue"].show_figure(format_number(waiting), _("pasien menunggu sekarang"), Opens(section="antrean"))
        self.tiles["queue"].setEnabled(allowed(session.current(), "visit.write"))

    def show_reminders(self, overdue: int, alerts: list) -> None:
        """The reports overdue (tile) and the week's SKDR alerts (the watch list), from the main window's check."""
        self.tiles["reports"].show_figure(format_number(overdue), _("terlambat atau perlu revisi") if overdue
                                          else _("semua terkirim tepat waktu"), Opens(section="laporan"))
        if alerts:
            cases = _("{n} kasus baru")
            lines = "<br>".join(f"<b>{a.letter} {a.name}</b>: " + cases.format(n=a.cases) for a in alerts)
            heading, link = _("Waspada SKDR minggu ini"), _("Buka laporan SKDR")
            self.watch.setText(f"<b>{heading}</b><br>{lines}<br><a href='laporan'>{link}</a>")
        else:
            self.watch.setText(_("Waspada SKDR minggu ini: tidak ada kenaikan penyakit."))

    def _open(self, opens: Opens | None) -> None:
        if opens is None:
            return
        if opens.register is not None:
            self.open_register.emit(opens.register)
        elif opens.section:
            self.open_section.emit(opens.section)


def records(columns: list, *, right: tuple[int, ...] = ()) -> QTableView:
    """A read-only table of ``columns`` (header, getter) whose second column takes the room left."""
    view = record_table(ListModel(columns, right=right))
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return view
