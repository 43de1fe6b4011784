"""Errors of the insight capability (plain Python: the cores raise them, the edges translate them)."""

from __future__ import annotations

from pathlib import Path

from zhaoshang.core.errors import DomainError


class InsightError(DomainError):
    """Base class of every insight error; ``str(error)`` is a Chinese message for the user."""

    code = "insight_invalid"


class InputFileError(InsightError):
    """A table given to an insight command cannot be used: one line naming file, row, column and reason."""

    code = "insight_input"

    def __init__(
        self,
        path,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        code: str | None = None,
        **params: object,
    ) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.reason = reason
        where = f"文件 {self.path}"
        if row is not None:
            where += f" 第{row}行"
        if column is not None:
            where += f" 列“{column}”"
        # the English sentence of ``code`` says the same place: path, row and column are params too
        super().__init__(f"{where}：{reason}", code, path=self.path, row=row, column=column, **params)

    @classmethod
    def unreadable(cls, path, exc: DomainError) -> InputFileError:
        """The table reader's refusal of ``path`` in its words, with its code and params kept for the edges (a
        missing file has insight's own code)."""
        reason = getattr(exc, "reason", str(exc))
        if not Path(path).exists():
            return cls(path, reason, code="insight_file_not_found")
        params = {k: v for k, v in exc.params.items() if k not in ("path", "row", "column")}
        return cls(path, reason, code=exc.code, **params)


class InsightNote(UserWarning):
    """A core's note to the user (``warnings.warn(InsightNote(...))``): ``str(note)`` is the Chinese sentence, and
    ``code`` and ``params`` let an edge say it in the user's language (``core.messages.error_message``)."""

    def __init__(self, message: str, code: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params
