"""Every error the service answers with, as one JSON shape (``ErrorResponse``), never a trace."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputProblem
from ..report import Text
from .models import ErrorCode, ErrorDetail, ErrorResponse, ProblemOut


class ApiError(Exception):
    """Raised by a handler to answer ``status`` with an :class:`ErrorResponse`."""

    def __init__(self, status: int, code: ErrorCode, zh: str, en: str, problems: Sequence[InputProblem] = ()) -> None:
        super().__init__(en)
        self.status = status
        self.body = ErrorResponse(
            error=ErrorDetail(code=code, message=Text(zh=zh, en=en), problems=[problem_out(p) for p in problems])
        )

    def json(self) -> bytes:
        return self.body.model_dump_json().encode() + b"\n"


def problem_out(problem: InputProblem) -> ProblemOut:
    return ProblemOut(path=problem.path, message=Text(zh=problem.zh, en=problem.en))


def payload_too_large(limit: int, what: str) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"请求体超过上限 {limit} 字节（{what}）",
        f"the request body is over the limit of {limit} bytes ({what})",
    )


def internal_error() -> ApiError:
    return ApiError(500, "internal_error", "服务内部错误，已记录；请稍后重试", "internal error; it has been logged")
