"""The queue-server command: init, serve, user add, device add, procedures import, privacy,
backup, restore, demo."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import json
import os
import socket
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from queue_server.core.clock import utc_now
from queue_server.core.db import make_engine, make_session_factory
from queue_server.core.errors import DomainError, SettingsError
from queue_server.core.greenlets import refuse_gevent_websocket
from queue_server.core.i18n import message
from queue_server.core.lan import lan_address
from queue_server.core.migrate import DatabaseTooNewError, upgrade_database
from queue_server.core.settings import Settings, load_settings
from queue_server.models import Device, DeviceKind, Office, Procedure, Role
from queue_server.notify.phones import normalize_phone
from queue_server.privacy.card import read_id_number
from queue_server.privacy.keys import CitizenKeys
from queue_server.privacy.persons import Person, Requester, erase_person, export_person
from queue_server.procedures.importing import import_file
from queue_server.procedures.reading import ProcedureFileError
from queue_server.security.tokens import add_device, add_user
from queue_server.setup.accounts import (
    log_device_created,
    log_user_created,
    revoke,
)
from queue_server.setup.audit_log import Changer
from queue_server.setup.demo_logins import demo_logins
from queue_server.setup.names import PERSON_NAME_MAX
from queue_server.setup.network import apply_province, procedure_name_warnings
from queue_server.setup.office_file import OfficeConfigError, load_network_file
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets.daily import close_previous_days


class CommandError(Exception):
    """A user mistake: one clear line on standard error, exit status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the queue-server console script."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if not getattr(arguments, "handler", None):
        parser.print_help()
        return 2
    try:
        return arguments.handler(arguments) or 0
    except (CommandError, SettingsError, DatabaseTooNewError) as error:
        print(f"queue-server: {error}", file=sys.stderr)
        return 1
    except OfficeConfigError as error:
        print(f"queue-server: the office file has {len(error.problems)} problem(s):",
              file=sys.stderr)
        print(str(error), file=sys.stderr)
        return 1
    except ProcedureFileError as error:
        print(f"queue-server: nothing imported; the file has {len(error.problems)} problem(s):",
              file=sys.stderr)
        print(str(error), file=sys.stderr)
        return 1
    except DomainError as error:
        print(f"queue-server: {message(error.message_key, 'en', **error.params)}",
              file=sys.stderr)
        return 1
    except OperationalError as error:
        # The database is down, unreachable or refused the command (a wrong URL, a missing
        # database, a deadlock): the driver's first line says which, without a traceback.
        reason = (str(error.orig or error).strip().splitlines() or ["no reason given"])[0]
        print(f"queue-server: the database could not be used: {reason}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="queue-server", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    init = commands.add_parser("init", help="create or migrate the database, load offices")
    init.add_argument("--config", help="office file (default: config/demo.toml)")
    init.set_defaults(handler=_init)

    serve = commands.add_parser("serve", help="run the production server (gunicorn + gevent)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1, this machine only); "
                            "0.0.0.0 serves the office network, and links in QR codes then "
                            "use this machine's network address unless QUEUE_PUBLIC_URL is set")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

    user = commands.add_parser("user", help="manage users").add_subparsers(title="user commands")
    user_add = user.add_parser("add", help="add a user; the password comes from stdin")
    user_add.add_argument("username")
    user_add.add_argument("--role", required=True, choices=[r.value for r in Role])
    user_add.add_argument("--office", help="office slug (required for staff; a manager "
                          "without it is a province manager: reads every office)")
    user_add.add_argument("--full-name", default="")
    user_add.add_argument("--password-stdin", action="store_true", required=True)
    user_add.set_defaults(handler=_user_add)

    device = commands.add_parser("device", help="manage devices").add_subparsers(
        title="device commands")
    device_add = device.add_parser("add", help="add a device and print its token")
    device_add.add_argument("name")
    device_add.add_argument("--kind", required=True, choices=[k.value for k in DeviceKind])
    device_add.add_argument("--office", required=True)
    device_add.add_argument("--kiosk", help="pair a printer with this kiosk")
    device_add.set_defaults(handler=_device_add)
    device_revoke = device.add_parser("revoke", help="refuse a device's token from now on")
    device_revoke.add_argument("name")
    device_revoke.add_argument("--office", required=True)
    device_revoke.set_defaults(handler=_device_revoke)

    procedures = commands.add_parser("procedures", help="the procedure catalogue").add_subparsers(
        title="procedures commands")
    procedures_import = procedures.add_parser(
        "import", help="import an office's procedures from .xlsx or .csv: every row is checked "
                       "first and nothing changes when one is wrong; procedures missing from "
                       "the file are hidden, never deleted")
    procedures_import.add_argument("file", help="the catalogue (.xlsx or .csv, UTF-8)")
    procedures_import.add_argument("--office", required=True, help="office slug")
    procedures_import.set_defaults(handler=_procedures_import)

    privacy = commands.add_parser(
        "privacy", help="a person's requests under the personal-data law").add_subparsers(
        title="privacy commands")
    for name, handler, text in (
            ("export", _privacy_export, "print, as JSON, everything held about a person"),
            ("erase", _privacy_erase, "erase a person's data (the rows stay, anonymised, for "
                                      "the reports' counts); the act is audited")):
        command = privacy.add_parser(name, help=text)
        who = command.add_mutually_exclusive_group(required=True)
        who.add_argument("--phone", help="a Vietnamese mobile number")
        who.add_argument("--citizen-id", help="the 12-digit citizen ID number")
        command.set_defaults(handler=handler)

    copy = commands.add_parser("copy-data",
                               help="copy every row from one database to another (SQLite to "
                                    "PostgreSQL); the target must be empty")
    copy.add_argument("--from", dest="source", required=True, help="source database URL")
    copy.add_argument("--to", dest="target", required=True, help="target database URL")
    copy.set_defaults(handler=_copy_data)

    backup = commands.add_parser(
        "backup", help="write a consistent copy of the database while the server runs")
    backup.add_argument("folder", help="where to write it (created if missing)")
    backup.add_argument("--keep", type=_count, default=14,
                        help="keep the newest N backups in the folder (default 14)")
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser(
        "restore", help="restore a backup into an empty database and migrate it")
    restore.add_argument("file", help="a backup written by `queue-server backup`")
    restore.add_argument("--force", action="store_true",
                         help="replace a database that already holds data")
    restore.set_defaults(handler=_restore)

    demo = commands.add_parser(
        "demo", help="init with the demo office and print its screens and logins (kept from "
                     "the last run while they work)")
    demo.add_argument("--host", default="127.0.0.1",
                      help="the address serve listens on, for the printed links")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--rotate-tokens", action="store_true",
                      help="new demo passwords and device tokens: every officer is logged out, "
                           "and the kiosk, printer and rating tablet need their new links")
    demo.set_defaults(handler=_demo)
    return parser


def _sessions(settings: Settings):
    engine = make_engine(settings.database_url)
    return engine, make_session_factory(engine)


def _in_session(work: Callable[..., Any]) -> Any:
    settings = load_settings()
    engine, sessions = _sessions(settings)
    try:
        with sessions() as session:
            result = work(session, settings)
            session.commit()
            return result
    finally:
        engine.dispose()


def _operator(command: str) -> Changer:
    """Who runs this command, for the audit log: the operating-system account and the host.

    Every command that changes offices, accounts or devices writes the line /admin would write,
    in the same transaction as the change, as "cli:<account>" with no client address (a shell
    on the server is as powerful as an administrator).
    """
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        name = f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return Changer(user_id=None, name=f"cli:{name}", role=Role.ADMIN,
                   agent=f"queue-server {command} @ {socket.gethostname()}")


def _init(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    path = arguments.config or settings.office_file
    network = load_network_file(path)  # validate before touching the database
    engine, sessions = _sessions(settings)
    try:
        upgrade_database(engine)
        with sessions() as session:
            apply_province(session, network.province)
            offices = apply_office_specs(session, network.offices, by=_operator("init"))
            for office in offices:
                close_previous_days(session, office, utc_now())
            session.commit()
            _warn([*network.warnings(), *procedure_name_warnings(session)])
            for office in offices:
                print(f"office {office.slug}: {len(office.services)} services, "
                      f"{len(office.counters)} counters, {len(office.priorities)} priorities")
    finally:
        engine.dispose()
    print(f"database ready: {_safe_url(settings.database_url)}")
    return 0


# A province's catalogues may disagree on hundreds of codes: the first ones say enough.
MAX_WARNINGS = 20


def _warn(warnings: list[str]) -> None:
    """Print what init accepted but a person should look at, on standard error."""
    for warning in warnings[:MAX_WARNINGS]:
        print(f"warning: {warning}", file=sys.stderr)
    if len(warnings) > MAX_WARNINGS:
        print(f"warning: … and {len(warnings) - MAX_WARNINGS} more", file=sys.stderr)


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _office(session: Session, slug: str | None) -> Office | None:
    if slug is None:
        return None
    office = session.scalar(select(Office).where(Office.slug == slug))
    if office is None:
        raise CommandError(f"unknown office {slug!r}")
    return office


def _user_add(arguments: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("no password on standard input")
    if len(arguments.full_name or "") > PERSON_NAME_MAX:
        raise CommandError(f"--full-name is too long: at most {PERSON_NAME_MAX} characters")

    def work(session, _settings) -> None:
        user = add_user(session, arguments.username, password, Role(arguments.role),
                        _office(session, arguments.office), now=utc_now(),
                        full_name=arguments.full_name)
        log_user_created(session, _operator("user add"), user, now=utc_now())

    _in_session(work)
    print(f"user {arguments.username} added ({arguments.role})", file=sys.stderr)
    return 0


def _device_add(arguments: argparse.Namespace) -> int:
    kind = DeviceKind(arguments.kind)
    if arguments.kiosk and kind is not DeviceKind.PRINTER:
        raise CommandError("--kiosk pairs a printer with a kiosk; use it with --kind printer")

    def work(session, _settings) -> str:
        office = _office(session, arguments.office)
        assert office is not None  # --office is required
        device, token = add_device(session, arguments.name, kind, office, now=utc_now(),
                                   kiosk_name=arguments.kiosk)
        log_device_created(session, _operator("device add"), device, arguments.kiosk,
                           now=utc_now())
        return token

    print(_in_session(work))
    return 0


def _device_revoke(arguments: argparse.Namespace) -> int:
    def work(session, _settings) -> bool:
        office = _office(session, arguments.office)
        assert office is not None  # --office is required
        device = session.scalar(select(Device).where(Device.office_id == office.id,
                                                     Device.name == arguments.name))
        if device is None:
            raise CommandError(f"no device {arguments.name!r} in office {arguments.office!r}")
        # As /admin does it: printers paired with a revoked kiosk are unpaired, and it is logged.
        return revoke(session, device, now=utc_now(), by=_operator("device revoke"))

    revoked = _in_session(work)
    # Other server processes may accept the token for up to 10 s more (their token cache).
    print(f"device {arguments.name} {'revoked' if revoked else 'was already revoked'}",
          file=sys.stderr)
    return 0


def _procedures_import(arguments: argparse.Namespace) -> int:
    def work(session, _settings):
        office = _office(session, arguments.office)
        assert office is not None  # --office is required
        return import_file(session, office, arguments.file, now=utc_now())

    print(_in_session(work).summary())
    return 0


def _person(arguments: argparse.Namespace) -> Person:
    if arguments.phone is not None:
        return Person(phone=normalize_phone(arguments.phone))
    return Person(id_number=read_id_number(arguments.citizen_id))


def _citizen_keys(settings: Settings) -> CitizenKeys:
    assert settings.citizen_id_key  # validated settings always hold one
    return CitizenKeys.from_text(settings.citizen_id_key, settings.citizen_id_old_keys)


def _privacy_export(arguments: argparse.Namespace) -> int:
    person = _person(arguments)
    requester = Requester(_operator("privacy export").name)

    def work(session, settings) -> dict:
        return export_person(session, person, _citizen_keys(settings), now=utc_now(),
                             requester=requester)

    print(json.dumps(_in_session(work), ensure_ascii=False, indent=2))
    return 0


def _privacy_erase(arguments: argparse.Namespace) -> int:
    person = _person(arguments)
    requester = Requester(_operator("privacy erase").name)

    def work(session, settings) -> dict:
        return erase_person(session, person, _citizen_keys(settings), now=utc_now(),
                            requester=requester)

    counts = _in_session(work)
    print("erased: " + ", ".join(f"{count} {kind.replace('_', ' ')}"
                                 for kind, count in counts.items()))
    return 0


EXAMPLE_PROCEDURES = "procedures.example.csv"


def _load_example_procedures(settings: Settings, slug: str) -> None:
    """The demo office's example catalogue, beside the office file, when it has none yet."""
    path = Path(settings.office_file).parent / EXAMPLE_PROCEDURES
    if not path.exists():
        return

    def work(session, _settings) -> str | None:
        office = _office(session, slug)
        assert office is not None  # the demo has just created it
        if session.scalar(select(Procedure.id).where(Procedure.office_id == office.id).limit(1)):
            return None  # imported or edited since: keep it
        return import_file(session, office, path, now=utc_now()).summary()

    try:
        summary = _in_session(work)
    except ProcedureFileError as error:
        # Written for the demo office's services; another office file keeps the demo going.
        print(f"example procedures not loaded for {slug}: {error.problems[0]}", file=sys.stderr)
        return
    if summary:
        print(f"example procedures for {slug} ({path}): {summary}")


def _serve(arguments: argparse.Namespace) -> int:
    settings = load_settings()  # refuse bad settings before starting workers
    refuse_gevent_websocket()
    base, warning = _link_base(arguments.host, arguments.port, settings)
    if not settings.public_url and warning is None:
        os.environ["QUEUE_PUBLIC_URL"] = base  # the worker builds every link from it
    print(f"Links on tickets and in QR codes: {base}", file=sys.stderr)
    if warning:
        print(warning, file=sys.stderr)
    command = [sys.executable, "-m", "gunicorn", "--config", _gunicorn_config(),
               "--bind", f"{arguments.host}:{arguments.port}", "queue_server.wsgi:app"]
    os.execvp(command[0], command)
    return 0  # not reached


WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
_BANNER = "!" * 78


def _link_base(host: str, port: int, settings: Settings) -> tuple[str, str | None]:
    """The base of the links phones open (QR codes), and a warning when they cannot open it."""
    if settings.public_url:
        return settings.public_url, None
    if host in WILDCARD_HOSTS:
        address = lan_address()
        if address:
            return f"http://{address}:{port}", None
        return f"http://127.0.0.1:{port}", _phones_warning(
            "this machine has no network address", port)
    if _is_loopback(host):
        return f"http://{host}:{port}", _phones_warning(
            f"the server answers only on {host} (this machine)", port)
    return f"http://{host}:{port}", None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _phones_warning(reason: str, port: int) -> str:
    return (f"{_BANNER}\n"
            f"!! PHONES CANNOT OPEN THE LINKS PRINTED ON TICKETS: {reason}.\n"
            f"!! Serve on the office network:  queue-server serve --host 0.0.0.0 --port {port}\n"
            f"!!   (make run SERVE_HOST=0.0.0.0), or set QUEUE_PUBLIC_URL to the address\n"
            f"!!   phones use, such as QUEUE_PUBLIC_URL=http://192.168.1.10:{port}\n{_BANNER}")


def _gunicorn_config() -> str:
    return str(Path(__file__).parent / "core" / "gunicorn_defaults.py")


def _copy_data(arguments: argparse.Namespace) -> int:
    from queue_server.core.copying import TargetNotEmptyError, copy_database

    source, target = make_engine(arguments.source), make_engine(arguments.target)
    try:
        upgrade_database(source)
        upgrade_database(target)
        counts = copy_database(source, target)
    except TargetNotEmptyError as error:
        raise CommandError(str(error)) from None
    finally:
        source.dispose()
        target.dispose()
    for table, count in counts.items():
        print(f"{table}: {count} rows")
    print(f"copied {sum(counts.values())} rows to {_safe_url(arguments.target)}")
    return 0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _backup(arguments: argparse.Namespace) -> int:
    from queue_server.core.backups import BackupError, back_up

    engine = make_engine(load_settings().database_url)
    try:
        path = back_up(engine, Path(arguments.folder), keep=arguments.keep,
                       now=utc_now().astimezone())
    except (BackupError, OSError) as error:
        raise CommandError(f"backup failed: {error}") from None
    finally:
        engine.dispose()
    print(path)
    return 0


def _restore(arguments: argparse.Namespace) -> int:
    from queue_server.core.backups import BackupError, restore

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        restore(engine, Path(arguments.file), force=arguments.force)
    except (BackupError, OSError) as error:
        raise CommandError(f"restore refused: {error}") from None
    finally:
        engine.dispose()
    print(f"restored {arguments.file} into {_safe_url(settings.database_url)}, "
          "migrated to the newest schema")
    return 0


DEMO_LOGINS = "demo-logins.json"


def _demo(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    _init(argparse.Namespace(config=settings.office_file))
    saved = Path(settings.var_dir) / DEMO_LOGINS
    kept = {} if arguments.rotate_tokens else _read_json(saved)
    logins = _in_session(lambda session, _settings: demo_logins(
        session, kept, now=utc_now(), by=_operator("demo"),
        device_idle_limit=timedelta(days=settings.device_token_idle_days)))
    _load_example_procedures(settings, logins["office"])
    _write_private(saved, json.dumps(logins))
    _write_private(Path(settings.var_dir) / "printer-token", logins["printer_token"])
    _print_demo(logins, _link_base(arguments.host, arguments.port, settings)[0],
                is_kept=bool(kept) and logins == kept)
    return 0


def _read_json(path: Path) -> dict:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _write_private(path: Path, text: str) -> None:
    """Write a secret readable only by its owner (the demo's logins and printer token)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")


def _print_demo(logins: dict, base: str, *, is_kept: bool) -> None:
    slug = logins["office"]
    print(f"""
Demo office ready: {base}

  Start page (every screen): {base}/
  Kiosk (touch screen):   {base}/kiosk/{slug}?token={logins['kiosk_token']}
  Waiting-room display:   {base}/display/{slug}
  Counter console:        {base}/counter/{slug}/1
  Procedures (phones):    {base}/thu-tuc/{slug}
  Where to go (phones):   {base}/province
  Rating tablet, counter 1: {base}/rate/{slug}/1?token={logins['rating_token']}
  Manager dashboard:      {base}/dashboard/{slug}
  Province monitor:       {base}/dashboard  (log in as tinh)
  Administration:         {base}/admin
  API description:        {base}/api/v1/openapi.json
  Ticket printer:         virtual, writes each ticket to var/tickets/<number>.png and .bin

Demo logins ({"the same as at the last run" if is_kept else "new"}; keep this window):""")
    for username, password in logins["passwords"].items():
        print(f"  {username:<8} {password}")
    print("""
Restarting keeps these logins and the devices' tokens. For new ones (every officer is logged
out; the kiosk and the rating tablet need their new links): queue-server demo --rotate-tokens
""")


if __name__ == "__main__":
    sys.exit(main())
