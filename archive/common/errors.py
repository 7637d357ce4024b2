"""Typed errors with exit codes and Chinese messages (mapped once, in cli.py)."""
from __future__ import annotations

import errno
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    ok = 0
    rejected = 1          # some files rejected / problems found in data / verify found damage
    usage = 2             # click's own
    missing_tool = 3
    config = 4            # bad config, root, profile, rule file
    interrupted = 130


class MinzhengError(Exception):
    """Base error: carries a Chinese message that says what went wrong and what to do."""

    exit_code: int = ExitCode.rejected

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class ConfigError(MinzhengError):
    exit_code = ExitCode.config


class RootError(ConfigError):
    """The archive root is missing, not initialised, or already exists."""


class MissingToolError(MinzhengError):
    exit_code = ExitCode.missing_tool


class DataError(MinzhengError):
    """Invalid input data (office data files, manifests). `problems` lists each one."""

    exit_code = ExitCode.rejected

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class NotFoundError(MinzhengError):
    exit_code = ExitCode.rejected


class UnknownCodeError(MinzhengError):
    """A code the user typed (office, category …) that the archive does not know: a usage error."""

    exit_code = ExitCode.usage


class NothingToListError(NotFoundError):
    """Nothing to put in what was asked for (say, no aid recipients in the year), so nothing was written.
    `details` is the machine-readable account that --json prints (e.g. the skipped documents)."""

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = dict(details or {})


class RejectedFile(MinzhengError):
    """A single input file that cannot be taken; prints as 文件名：原因."""

    def __init__(self, path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{Path(str(path)).name}：{reason}")


_OS_REASONS = {
    errno.EACCES: "没有写入或读取的权限",
    errno.EPERM: "系统不允许这样操作（文件可能被锁定或设为不可改动）",
    errno.ENOENT: "目录不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是目录",
    errno.EISDIR: "那里已有一个同名的目录",
    errno.EEXIST: "那里已有同名的文件，不能用作目录",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出了磁盘配额",
    errno.EROFS: "所在的磁盘是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "那里正被使用（不能替换一个目录或挂载点）",
    errno.EIO: "读写时出错（磁盘、U 盘或网络盘可能有故障）",
}


def os_reason(exc: OSError) -> str:
    """The Chinese reason of an OSError (its errno), for messages: never the English strerror."""
    if exc.errno is None:
        return "系统错误"
    return _OS_REASONS.get(exc.errno, f"系统错误（代码 {exc.errno}）")


class WriteError(MinzhengError):
    """An output file or directory could not be written: names the place, the reason and what to do."""

    def __init__(self, path, exc: OSError, advice: str):
        where = getattr(exc, "filename2", None) or getattr(exc, "filename", None) or path
        super().__init__(f"无法写入 {where}：{os_reason(exc)}。{advice}")
