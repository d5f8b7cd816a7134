"""Write files safely: the whole file or nothing, a backup first, one refresh at a time, never under Excel.

A save goes through a temporary file beside the target, then a rename; a killed save leaves only
that temporary file, removed by the next run. A lock file keeps two refreshes of one workbook
apart, and the owner files Excel, PowerPoint and LibreOffice leave beside what they open keep us
from replacing a file under them. Every failure is said in French, and says that nothing was replaced.
"""

from __future__ import annotations

import errno
import glob
import os
import secrets
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from opc_excel.errors import UnwritableFileError, WorkbookBusyError

STALE_LOCK_SECONDS = 3600


# ------------------------------------------------------------------------------ writing


def writable_target(path: str | Path, *, example_name: str = "") -> Path:
    """Return the file that writing *path* really replaces: a symbolic link's target, so the link stays.

    Raise UnwritableFileError (French, naming the path and what to do) when *path* is a folder or
    its folder does not exist. *example_name* is the file name suggested inside a folder given by mistake.
    """
    path = Path(path)
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    if real.is_dir():
        example = f", par exemple « {path / example_name} »" if example_name else ""
        raise UnwritableFileError(f"« {path} » est un dossier, pas un fichier : indiquez le nom du fichier à "
                                  f"écrire dans ce dossier{example}, puis relancez.")
    folder = real.parent
    if not folder.is_dir():
        what = "est un fichier, pas un dossier" if folder.exists() else "n'existe pas"
        raise UnwritableFileError(f"Le dossier « {folder} » {what} : créez ce dossier ou indiquez un autre "
                                  f"chemin pour « {path.name} », puis relancez.")
    return real


def same_file(one: str | Path, other: str | Path) -> bool:
    """Return True if both paths name one existing file (same path, link, other spelling or case)."""
    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def atomic_save(workbook: Any, path: str | Path) -> None:
    """Save *workbook* to *path* through a temporary file in the same folder, then swap it in.

    On any failure the temporary file is removed and *path* is left as it was. A symbolic link
    stays a link: the file it points to is replaced.
    """
    _atomic_write(Path(path), workbook.save)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write *data* to *path* the same way (a deck, a report): the whole file or nothing; return *path*."""
    _atomic_write(path, lambda stream: stream.write(data))
    return path


def _atomic_write(path: Path, write: Callable[[Any], object]) -> None:
    path = writable_target(path)
    try:
        tmp, fd = _exclusive_file(path.parent, f"{_temporary_prefix(path)}{os.getpid()}.", ".tmp")
    except PermissionError as exc:
        raise _cannot_save(path) from exc
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            guarded = _Guarded(stream)
            try:
                write(guarded)
            finally:
                guarded.done = True
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            shutil.copymode(path, tmp)  # keep the master's permissions on a shared folder
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, PermissionError):  # Windows refuses to replace a file open in Excel
            raise _cannot_save(path) from exc
        if isinstance(exc, OSError) and exc.errno is not None:  # the system's own error: say it in French
            raise _write_error(path, exc) from exc
        raise
    _fsync_folder(path.parent)


class _Guarded:
    """The temporary file as a writer sees it: once the writer has returned or failed, calls do nothing.

    openpyxl leaves its zip open when a write fails (a full disk); the garbage collector later
    closes that zip, writing to our closed file, and Python would print an English « Exception
    ignored … » on the user's terminal.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.done = stream, False

    def write(self, data: bytes) -> int:
        return len(data) if self.done else self.stream.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0 if self.done else self.stream.seek(offset, whence)

    def tell(self) -> int:
        return 0 if self.done else self.stream.tell()

    def flush(self) -> None:
        if not self.done:
            self.stream.flush()

    def seekable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_OS_ERRORS_FR = {
    errno.EROFS: "le disque est en lecture seule",
    errno.ENAMETOOLONG: "le chemin est trop long",
    errno.EIO: "erreur de lecture ou d'écriture du disque ou du réseau",
    errno.ENOENT: "le dossier a disparu pendant l'écriture",
    errno.EACCES: "le dossier est protégé en écriture",
    errno.EPERM: "le dossier est protégé en écriture",
}


def _write_error(path: Path, exc: OSError, doing: str = "") -> UnwritableFileError:
    """Return the French sentence for a failed write of *path*: what happened, that nothing was replaced, what to do."""
    what = doing or f"« {path} » n'a pas pu être écrit"
    if exc.errno in _DISK_FULL:
        return UnwritableFileError(f"Le disque est plein : {what}, et aucun fichier n'a été remplacé. Libérez de la "
                                   f"place dans le dossier « {path.parent} » (ou écrivez ailleurs), puis relancez.")
    reason = _OS_ERRORS_FR.get(exc.errno, f"erreur système n° {exc.errno}")
    return UnwritableFileError(f"{what[0].upper()}{what[1:]} ({reason}), et aucun fichier n'a été remplacé : "
                               f"vérifiez le dossier « {path.parent} » (droits, place, connexion réseau), "
                               "puis relancez.")


def _temporary_prefix(path: Path) -> str:
    return f".~{path.name}."


def remove_leftovers(path: str | Path) -> list[Path]:
    """Remove the temporary files a killed save of *path* left beside it; return them.

    A save writes ``.~<name>.<pid>.<random>.tmp`` and renames it over *path*; killed before the
    rename (power cut, closed session), the file stays. Called under the workbook's lock, when no
    other refresh of this workbook runs here: a file whose process is gone from this machine is removed.
    """
    path = Path(path)
    prefix = _temporary_prefix(path)
    removed = []
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid_text = leftover.name[len(prefix):].split(".")[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _pid_alive(int(pid_text)):
            try:
                leftover.unlink()
            except OSError:
                continue
            removed.append(leftover)
    return removed


def _cannot_save(path: Path) -> WorkbookBusyError:
    return WorkbookBusyError(f"Le classeur « {path.name} » n'a pas pu être enregistré : il est ouvert "
                             "dans un autre programme (Excel ?) ou le dossier est protégé en écriture ; "
                             "fermez-le puis relancez.")


def _exclusive_file(folder: Path, prefix: str, suffix: str) -> tuple[Path, int]:
    """Return a new file's path and descriptor, created with O_EXCL under the usual umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        candidate = folder / f"{prefix}{secrets.token_hex(4)}{suffix}"
        try:
            return candidate, os.open(candidate, flags, 0o666)
        except FileExistsError:
            continue


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable where the OS allows syncing a directory (not Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_copy(path: str | Path, *, now: datetime | None = None) -> Path:
    """Return the path of a new copy of *path*, "<stem>.sauvegarde-YYYYMMDD-HHMMSS<suffix>", beside it.

    An existing backup is never overwritten: "-2", "-3"… are added instead.
    """
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    for n in range(1, 10_000):
        target = path.with_name(f"{path.stem}.sauvegarde-{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}")
        doing = f"la copie de sauvegarde de « {path.name} » n'a pas pu être faite"
        try:  # reserve the name atomically, then fill it
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise _write_error(target, exc, doing) from exc
        try:
            shutil.copy2(path, target)
        except BaseException as exc:
            target.unlink(missing_ok=True)
            if isinstance(exc, OSError) and exc.errno is not None:
                raise _write_error(target, exc, doing) from exc
            raise
        return target
    raise FileExistsError(f"Trop de sauvegardes de « {path.name} » pour {stamp}.")


# ------------------------------------------------------------------------------ locking


@contextmanager
def workbook_lock(path: str | Path) -> Iterator[Path]:
    """Yield the lock file "~$<name>.opc-lock" held beside *path* while a refresh runs.

    Raise WorkbookBusyError if another live process holds it. A lock whose process is gone (same
    machine) or older than an hour is taken over. The lock is removed on exit if still ours.
    """
    path = Path(path)
    lock = path.with_name(f"~${path.name}.opc-lock")
    token = f"{os.getpid()}\n{socket.gethostname()}\n{uuid.uuid4()}\n"
    for _attempt in range(2):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            if not _is_stale(lock):
                raise WorkbookBusyError(
                    f"Le classeur « {path.name} » est déjà en cours d'actualisation par un autre "
                    "traitement : attendez la fin de celui-ci puis relancez.") from None
            lock.unlink(missing_ok=True)
            continue
        except OSError as exc:
            raise _write_error(lock, exc, f"le verrou « {lock.name} » n'a pas pu être créé") from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(token)
        except OSError as exc:
            lock.unlink(missing_ok=True)
            raise _write_error(lock, exc, f"le verrou « {lock.name} » n'a pas pu être créé") from exc
        break
    else:
        raise WorkbookBusyError(f"Le classeur « {path.name} » est déjà en cours d'actualisation par un "
                                "autre traitement : attendez la fin de celui-ci puis relancez.")
    try:
        yield lock
    finally:
        try:
            if lock.read_text(encoding="utf-8") == token:  # taken over after an hour: not ours
                lock.unlink()
        except OSError:
            pass


_OFFICE_APPS = {".pptx": ("le diaporama", "PowerPoint"), ".docx": ("le document", "Word")}  # else a workbook, in Excel


def refuse_if_open(path: str | Path) -> None:
    """Raise WorkbookBusyError if Excel, PowerPoint or LibreOffice has *path* open.

    They leave an owner file beside what they open: « ~$<nom> » for Office (byte 0 is the length
    of the user's name, then the name, padded; at byte 54 the length again, then the name in
    UTF-16), « .~lock.<nom># » for LibreOffice (``nom complet,utilisateur,poste,date,…``). Replacing
    the file under them would lose what is typed there at their next save. An owner file left by
    a crash must be removed by hand: the message says so.
    """
    path = Path(path)
    what, office = _OFFICE_APPS.get(path.suffix.lower(), ("le classeur", "Excel"))
    for owner, app, read_user in ((path.with_name(f"~${path.name}"), office, _office_owner),
                                  (path.with_name(f".~lock.{path.name}#"), "LibreOffice", _libreoffice_owner)):
        try:
            user = read_user(owner.read_bytes()[:4096])
        except FileNotFoundError:
            continue
        except OSError:
            user = ""
        by = user or "un autre utilisateur"
        raise WorkbookBusyError(
            f"« {path.name} » : {what} est ouvert dans {app} par {by} ; fermez-le dans {app} (ou demandez à "
            f"{by} de le faire), puis relancez. S'il n'est ouvert nulle part ({app} s'est arrêté "
            f"brutalement), supprimez le fichier caché « {owner.name} » à côté de lui, puis relancez.")


def _office_owner(data: bytes) -> str:
    """Return the user name an Office owner file holds ('' if none can be read)."""
    if len(data) >= 56:
        length = int.from_bytes(data[54:56], "little")
        wide = data[56:56 + 2 * length]
        if 0 < length and len(wide) == 2 * length:
            try:
                return _printable(wide.decode("utf-16-le"))
            except UnicodeDecodeError:
                pass
    length = data[0] if data else 0
    return _printable(data[1:1 + length].decode("cp1252", errors="replace"))


def _libreoffice_owner(data: bytes) -> str:
    """Return the user a LibreOffice lock file names: the full name, else the account ('' if none)."""
    fields = data.decode("utf-8", errors="replace").split(",")
    return next((_printable(f) for f in fields[:2] if _printable(f)), "")


def _printable(text: str) -> str:
    return "".join(c for c in text if c.isprintable()).strip()[:80]


def _is_stale(lock: Path) -> bool:
    """Return True if the lock's owner is gone, or the lock is over an hour old."""
    try:
        age = time.time() - lock.stat().st_mtime
        content = lock.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return True  # released meanwhile
    except OSError:
        return False  # unreadable (another user's, or locked): assume its owner is at work
    pid_text, host, *_ = content.split("\n") + ["", ""]
    if age > STALE_LOCK_SECONDS:
        return True
    if not pid_text.strip().isdigit():
        return age > 5  # still being written, or garbage: give the writer a moment
    if host != socket.gethostname():
        return False  # another machine's pid says nothing here: only age can tell
    return not _pid_alive(int(pid_text))


def _pid_alive(pid: int) -> bool:
    """Return True if process *pid* exists on this machine."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
