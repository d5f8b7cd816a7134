"""The xlwings Server application of the add-in, configured for this project.

xlwings Server reads its settings when it is first imported, so :func:`create_app` sets them
first (licence key, project folder, add-in name and manifest ids), then imports it and wraps it
in a request size limit. The project folder (``project/``) holds the manifest, the task pane,
``ribbon.js`` and the icons; its ``custom_scripts``, ``routers`` and ``auth`` packages only import
:mod:`~opc_excel.server.scripts`, :mod:`~opc_excel.server.routes` and :mod:`~opc_excel.server.auth`.

``opc-excel serve --workers N`` runs N worker processes under uvicorn's own supervisor (each builds
the application with :func:`worker_app`); each computes in a pool of its own
(:class:`~opc_excel.server.pool.ProcessWorkers`, :data:`COMPUTE_PER_WORKER` process), so N workers
use N cores, and the download links are kept in a store they share (:mod:`~opc_excel.server.links`).
The settings are checked once, in French, before any worker starts (:func:`checked_settings`).

Licence: xlwings Server and ``xlwings.pro`` are under PolyForm Noncommercial 1.0.0 (use by a
government institution is a permitted purpose) or a paid licence. The key comes from
``XLWINGS_LICENSE_KEY``; only a local (loopback) server defaults it to ``noncommercial``.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import sys
from pathlib import Path
from typing import Any

from opc_excel.errors import OpcError
from opc_excel.server import PROJECT_DIR, XLWINGS_DEFAULTS

log = logging.getLogger(__name__)

LICENSE_VARIABLE = "XLWINGS_LICENSE_KEY"
MAX_SIZE_VARIABLE = "OPC_EXCEL_MAX_MO"
DEFAULT_MAX_MEGABYTES = 25
TIMEOUT_VARIABLE = "OPC_EXCEL_DELAI_S"
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
MAX_CONNECTIONS = 2000  # open connections at once; more get 503 (idle ones are cut after guards.HEADER_SECONDS)
KEEP_ALIVE_SECONDS = 5
MAX_HEADER_BYTES = 16 * 1024
COMPUTE_PER_WORKER = 1  # computations at once in each worker process: --workers N computes N at once
MAX_WORKERS = 64
LISTEN_VARIABLE = "OPC_EXCEL_ECOUTE"  # the address given to serve, for the worker processes


class ServerConfigError(OpcError):
    """The server can't start as configured (licence key, authentication, certificates)."""


def is_loopback(host: str) -> bool:
    """Return True for an address only this machine can reach (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def configure_environment(*, local: bool) -> None:
    """Set what xlwings and xlwings Server read when first imported; raise when the licence key is missing."""
    if not os.environ.get(LICENSE_VARIABLE):
        if not local:
            raise ServerConfigError(
                "Clé de licence xlwings absente : définissez XLWINGS_LICENSE_KEY. Pour une collectivité "
                "(usage non commercial d'une institution publique, licence PolyForm Noncommercial), la valeur "
                "« noncommercial » convient ; sinon une clé payante est nécessaire. Voir le README.")
        os.environ[LICENSE_VARIABLE] = "noncommercial"
        log.info("Serveur local : clé de licence xlwings « noncommercial » utilisée par défaut.")
    if "xlwings" in sys.modules and not getattr(sys.modules["xlwings"], "__pro__", False):
        raise ServerConfigError("xlwings a été chargé sans clé de licence : relancez le serveur avec "
                                "XLWINGS_LICENSE_KEY défini.")
    os.environ["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
    os.environ["XLWINGS_ON_SERVER"] = "true"
    for name, value in XLWINGS_DEFAULTS.items():
        os.environ.setdefault(name, value)
    config = sys.modules.get("xlwings_server.config")
    if config is not None and Path(config.PROJECT_DIR).resolve() != PROJECT_DIR:
        if "xlwings_server.main" in sys.modules:  # the application exists already, with the other settings
            raise ServerConfigError("xlwings Server a été chargé avec un autre dossier de projet "
                                    f"({config.PROJECT_DIR}) : lancez le serveur par « opc-excel serve ».")
        # Only probed (``import xlwings_server``, e.g. to check the extra is installed): forget it, so that
        # it is imported again with this add-in's settings.
        for name in [m for m in sys.modules if m == "xlwings_server" or m.startswith("xlwings_server.")]:
            del sys.modules[name]


def max_request_bytes() -> int:
    """Return the request size limit: ``OPC_EXCEL_MAX_MO`` megabytes, 25 by default."""
    text = os.environ.get(MAX_SIZE_VARIABLE, "").strip()
    try:
        megabytes = float(text.replace(",", ".")) if text else DEFAULT_MAX_MEGABYTES
    except ValueError:
        raise ServerConfigError(f"{MAX_SIZE_VARIABLE} doit être un nombre de mégaoctets, pas « {text} ».") from None
    return int(megabytes * 1_000_000)


def work_timeout_seconds() -> float:
    """Return how long a call may work before it is abandoned: ``OPC_EXCEL_DELAI_S`` seconds, 120 by default."""
    from opc_excel.server.limits import DEFAULT_WORK_SECONDS

    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    try:
        seconds = float(text.replace(",", ".")) if text else DEFAULT_WORK_SECONDS
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= 3600:
        raise ServerConfigError(f"{TIMEOUT_VARIABLE} doit être un nombre de secondes entre 1 et 3600, "
                                f"pas « {text} ».")
    return seconds


def checked_settings(*, local: bool, token: str | None = None, host: str | None = None) -> tuple[list[str], set[str]]:
    """Check the server's settings; return the authentication providers and the names accepted in ``Host``.

    Raise :class:`ServerConfigError` (French) on a missing licence key, authentication away from the
    loopback, a short token, a delay or size that is not a number, or no server name on every address.
    Imports xlwings Server's settings only, not its application: ``serve`` calls it before any worker starts.
    """
    configure_environment(local=local)
    from xlwings_server.config import settings

    from opc_excel.server import auth

    work_timeout_seconds()
    max_request_bytes()
    auth.set_token(token)
    providers = [p for p in settings.auth_providers or [] if p != "custom"]
    if auth.expected_token():
        if len(auth.expected_token()) < auth.MIN_TOKEN_LENGTH:
            raise ServerConfigError(f"Le jeton d'accès doit compter au moins {auth.MIN_TOKEN_LENGTH} caractères.")
        providers.append("custom")
    elif not providers and not local:
        raise ServerConfigError(
            "Authentification requise hors poste local : définissez OPC_EXCEL_TOKEN (un jeton d'au moins "
            f"{auth.MIN_TOKEN_LENGTH} caractères, transmis aux utilisateurs) ou configurez Microsoft Entra ID "
            "(XLWINGS_AUTH_PROVIDERS=[\"entraid\"], voir le README).")
    return providers, server_names(local=local, host=host, hostname=settings.hostname)


def create_app(*, local: bool = True, token: str | None = None, max_bytes: int | None = None,
               host: str | None = None, processes: int = 0) -> Any:
    """Return the ASGI application: xlwings Server with the add-in, behind the guards and a request size limit.

    ``local`` (a server bound to the loopback, for one user's tests) defaults the licence key and lets
    requests through without authentication when no token is set, unless they came through a proxy.
    Otherwise a token (``token`` or ``OPC_EXCEL_TOKEN``) or xlwings Server's Entra ID settings are
    required. Requests must name the server in ``Host``: localhost, 127.0.0.1 or [::1] in local mode,
    else ``host`` (the address it listens on, unless all of them), and in both modes
    ``XLWINGS_HOSTNAME`` and ``OPC_EXCEL_HOTES``. xlwings Server is one application per process: a
    second call reconfigures authentication, hosts, the size limit and where calls compute.

    ``processes``: the calls compute in a pool of that many processes, killed when a call is refused
    (``opc-excel serve``); 0 computes in threads of this process (tests, and an application embedded
    in another server). Download links go to the store of :func:`~opc_excel.server.links.configured_store`.
    """
    providers, hosts = checked_settings(local=local, token=token, host=host)
    from xlwings_server.config import settings
    from xlwings_server.main import app, main_app

    from opc_excel.server import limits, links, routes, scripts
    from opc_excel.server.compute import PRELOADED
    from opc_excel.server.guards import RequestGuard, confine_static_files, mask_access_log
    from opc_excel.server.limits import RequestSizeLimit, french_errors
    from opc_excel.server.pool import ProcessWorkers
    from opc_excel.server.workers import Workers

    limits.work_seconds = work_timeout_seconds()
    settings.auth_providers = providers
    french_errors(app)
    confine_static_files()
    mask_access_log()
    routes.set_link_store(links.configured_store())
    limited = RequestSizeLimit(main_app, max_bytes if max_bytes is not None else max_request_bytes())
    guarded = RequestGuard(limited, hosts=hosts, authenticated=bool(providers))
    if isinstance(scripts.WORKERS, ProcessWorkers):
        scripts.WORKERS.close()
    if not processes:
        scripts.WORKERS = Workers(scripts.THREADS)
        return guarded
    pool = scripts.WORKERS = ProcessWorkers(processes, PRELOADED).start()

    def close() -> None:
        pool.close()
        links.remove_temporary_folder()

    return ClosesOnShutdown(guarded, close)


def worker_app() -> Any:
    """Return the application of one worker process of ``opc-excel serve --workers N`` (uvicorn's factory).

    The settings were checked by ``serve`` before the workers started; the address comes from
    ``OPC_EXCEL_ECOUTE``, which ``serve`` sets.
    """
    host = os.environ.get(LISTEN_VARIABLE, "127.0.0.1")
    return create_app(local=is_loopback(host), host=host, processes=COMPUTE_PER_WORKER)


class ClosesOnShutdown:
    """ASGI middleware: call ``close`` when the server shuts the application down (its compute pool)."""

    def __init__(self, app: Any, close: Any) -> None:
        self.app = app
        self.close = close

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def receive_and_close() -> dict:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.close()
            return message

        await self.app(scope, receive_and_close, send)


def server_names(*, local: bool, host: str | None, hostname: str | None) -> set[str]:
    """Return the names a request may give in ``Host``; raise when a server on every address has none."""
    from opc_excel.server.guards import HOSTS_VARIABLE, LOCAL_HOSTS, configured_hosts, host_name

    names = configured_hosts(hostname)
    if local:
        names |= LOCAL_HOSTS
    elif host and host_name(host) not in WILDCARD_HOSTS:
        names.add(host_name(host))
    if not names:
        raise ServerConfigError(
            f"Le serveur écoute sur toutes les adresses ({host or '0.0.0.0'}) : indiquez le nom par lequel Excel le "
            f"joint, dans XLWINGS_HOSTNAME (par exemple opc.ville-alencon.local) ou {HOSTS_VARIABLE} (plusieurs "
            "noms séparés par des virgules), pour qu'il refuse les requêtes adressées à un autre nom.")
    return names


def certificate_files(folder: Path) -> dict[str, str]:
    """Return uvicorn's ``ssl_certfile`` and ``ssl_keyfile`` from a folder of PEM files (mkcert's names work)."""
    if not folder.is_dir():
        raise ServerConfigError(f"Dossier de certificats introuvable : {folder}.")
    pems = sorted(folder.glob("*.pem"))
    keys = [p for p in pems if "key" in p.stem.lower()]
    certificates = [p for p in pems if p not in keys]
    if len(keys) != 1 or len(certificates) != 1:
        raise ServerConfigError(
            f"Le dossier {folder} doit contenir exactement un certificat et une clé au format PEM (par exemple "
            "localhost.pem et localhost-key.pem, créés par mkcert) : voir le README.")
    return {"ssl_certfile": str(certificates[0]), "ssl_keyfile": str(keys[0])}


def serve(host: str, port: int, certs: Path | None, out: Any, workers: int = 1) -> int:
    """Run the add-in's server, ``workers`` processes computing one call at a time each, until Ctrl+C."""
    try:
        import uvicorn
        import xlwings_server  # noqa: F401 - fail here, with the French message, if the extra is missing
    except ImportError:
        raise ServerConfigError("Le serveur du complément Excel demande des paquets en plus : "
                                "pip install \"opc-excel[server]\"") from None
    if not 0 < port < 65536:
        raise ServerConfigError(f"Port {port} impossible : choisissez un nombre entre 1 et 65535 (par défaut 8000).")
    if not 1 <= workers <= MAX_WORKERS:
        raise ServerConfigError(f"--workers {workers} impossible : choisissez entre 1 et {MAX_WORKERS} processus "
                                f"(environ un par cœur ; ce serveur en a {os.cpu_count() or 1}).")
    ssl = certificate_files(certs) if certs is not None else {}
    local = is_loopback(host)
    from opc_excel.server import links

    checked_settings(local=local, host=host)  # once, in French, before any worker starts
    links.checked_store()
    if workers == 1:
        app: Any = create_app(local=local, host=host, processes=COMPUTE_PER_WORKER)
    else:
        os.environ[LISTEN_VARIABLE] = host
        app = f"{__name__}:worker_app"
    scheme = "https" if ssl else "http"
    address = f"{scheme}://{'[' + host + ']' if ':' in host else host}:{port}"
    out.write(f"Serveur OPC urbain : {address}/ — manifeste du complément : {address}/manifest.xml\n")
    each = " chacun" if workers > 1 else ""
    out.write(f"{workers} processus de travail, un calcul à la fois{each} ; liens de téléchargement : "
              f"{links.store_description()}.\n")
    if not ssl:
        out.write("Sans --certs le serveur répond en HTTP : Excel exige HTTPS pour charger le complément "
                  "(voir le README).\n")
    out.flush()
    config = uvicorn.Config(app, host=host, port=port, log_level="info", workers=workers, factory=workers > 1,
                            **ssl, **connection_limits())
    from opc_excel.server.guards import mask_access_log

    mask_access_log()  # after uvicorn.Config, which sets its logging up
    if workers == 1:
        uvicorn.Server(config).run()
        return 0
    from uvicorn.supervisors import Multiprocess

    try:
        Multiprocess(config, sockets=[config.bind_socket()]).run()  # uvicorn's supervisor: restarts a dead worker
    except KeyboardInterrupt:
        pass
    return 0


def connection_limits() -> dict[str, Any]:
    """Return uvicorn's settings bounding connections: slow clients cut off, at most MAX_CONNECTIONS at once.

    The limit stays under the process's open-file limit (raised up to the hard limit when it can be),
    so that many idle sockets meet a 503 rather than a server unable to open a file.
    """
    from opc_excel.server.guards import SlowClientGuard

    files = open_files_limit(MAX_CONNECTIONS + 200)
    return {"http": SlowClientGuard, "limit_concurrency": max(16, min(MAX_CONNECTIONS, files - 200)),
            "timeout_keep_alive": KEEP_ALIVE_SECONDS, "h11_max_incomplete_event_size": MAX_HEADER_BYTES}


def open_files_limit(wanted: int) -> int:
    """Return how many files the process may open, after raising the limit towards ``wanted`` (Unix)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit per process
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else soft
