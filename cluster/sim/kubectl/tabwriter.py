"""Go's text/tabwriter (with the RememberWidths flag of the fork kubectl uses), for byte-exact columns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Cell:
    size: int = 0  # bytes of text in the buffer
    width: int = 0  # display width (runes)
    htab: bool = False  # terminated by a horizontal tab


@dataclass
class TabWriter:
    """Elastic tabstops: tab-terminated cells in adjacent lines form a column (mirrors tabwriter.Writer).

    kubectl get uses TabWriter(6, 4, 3, remember_widths=True); kubectl describe uses TabWriter(0, 8, 2).
    """

    minwidth: int = 0
    tabwidth: int = 8
    padding: int = 1
    padchar: str = " "
    remember_widths: bool = False
    _out: list[str] = field(default_factory=list)
    _buf: str = ""
    _pos: int = 0
    _cell: _Cell = field(default_factory=_Cell)
    _lines: list[list[_Cell]] = field(default_factory=lambda: [[]])
    _widths: list[int] = field(default_factory=list)
    _maxwidths: list[int] = field(default_factory=list)

    def write(self, text: str) -> None:
        """Buffer text; a line holding a single cell (no tab) lets everything before it be laid out."""
        start = 0
        for i, ch in enumerate(text):
            if ch in "\t\v\n\f":
                self._append(text[start:i])
                start = i + 1
                ncells = self._terminate_cell(ch == "\t")
                if ch in "\n\f":
                    self._lines.append([])
                    if ch == "\f" or ncells == 1:
                        self.flush()
        self._append(text[start:])

    def flush(self) -> None:
        """Lay out and emit everything buffered so far."""
        if self._cell.size > 0:
            self._terminate_cell(False)
        self._format(0, 0, len(self._lines))
        self._buf = ""
        self._pos = 0
        self._cell = _Cell()
        self._lines = [[]]
        self._widths = []

    def getvalue(self) -> str:
        return "".join(self._out)

    def take(self) -> str:
        """What has been emitted since the last take (a watch prints row by row through one writer)."""
        text = "".join(self._out)
        self._out.clear()
        return text

    def set_remembered_widths(self, widths: list[int] | None) -> None:
        self._maxwidths = list(widths or [])

    def _append(self, text: str) -> None:
        self._buf += text
        self._cell.size += len(text)
        self._cell.width += len(text)

    def _terminate_cell(self, htab: bool) -> int:
        self._cell.htab = htab
        line = self._lines[-1]
        line.append(self._cell)
        self._cell = _Cell()
        return len(line)

    def _format(self, pos: int, line0: int, line1: int) -> int:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # a cell exists in this column: print the lines before the block, then measure the block
            pos = self._write_lines(pos, line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                width = max(width, line[column].width + self.padding)
                this += 1
            if self.remember_widths:
                if column < len(self._maxwidths):
                    width = max(width, self._maxwidths[column])
                    self._maxwidths[column] = width
                else:
                    self._maxwidths.append(width)
            self._widths.append(width)
            pos = self._format(pos, line0, this)
            self._widths.pop()
            line0 = this
        return self._write_lines(pos, line0, line1)

    def _write_lines(self, pos: int, line0: int, line1: int) -> int:
        for i in range(line0, line1):
            for j, cell in enumerate(self._lines[i]):
                if cell.size > 0:
                    self._out.append(self._buf[pos:pos + cell.size])
                    pos += cell.size
                if j < len(self._widths):
                    self._out.append(self.padchar * (self._widths[j] - cell.width))
            if i + 1 == len(self._lines):
                self._out.append(self._buf[pos:pos + self._cell.size])
                pos += self._cell.size
            else:
                self._out.append("\n")
        return pos


def tabbed(text: str, minwidth: int = 0, tabwidth: int = 8, padding: int = 2) -> str:
    """Run text through a tab writer once and return the aligned result."""
    writer = TabWriter(minwidth, tabwidth, padding)
    writer.write(text)
    writer.flush()
    return writer.getvalue()
