"""Badge and wallet pass benchmark: a sheet of 1,000 badges, and one pass.

Run with ``python -m benchmarks.badges``. Prints a table; targets: the sheet
under 10 s and 200 MB (the whole process's peak RSS), one pass under 50 ms.
"""

import json
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import insert

from benchmarks import seed as seed_tools
from eventdesk import create_app
from eventdesk.badges import layouts, service
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event, EventStatus
from eventdesk.organiser.attendees import ListQuery
from eventdesk.registration.codes import new_ticket_code
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.wallet import apple, google
from eventdesk.wallet.facts import pass_facts
from eventdesk.wallet.settings import wallets

GUESTS = 1000
PASSES = 200
FIRST = ["Zoë", "Jan", "Émile", "Anna-Maria", "Łukasz", "Søren", "Fatima", "Bartholomeus"]
LAST = ["de Vries", "Bakker", "van der Berg-Schoonhoven", "Żółć", "Ødegård", "El Amrani",
        "Lefèvre-Dubois", "Janssen"]
ORGANISATIONS = ["Tata Steel", "Nova College", "Gemeente Velsen", "Techport",
                 "École Polytechnique Fédérale de Lausanne", ""]
CJK = ["山田太郎", "김민준", "王小明"]


def _pki(folder: Path) -> dict:
    """Write a throwaway CA, intermediate and pass certificate; return the app settings."""
    def cert(subject, issuer, public, signer, ca):
        now = datetime.now(UTC)
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                .public_key(public).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=2))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                .sign(signer, hashes.SHA256()))

    def name(text):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    def pem_key(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(4)]
    wwdr = cert(name("Bench WWDR"), name("Bench WWDR"), keys[0].public_key(), keys[0], True)
    passcert = cert(name("Bench pass"), wwdr.subject, keys[1].public_key(), keys[0], False)
    (folder / "wwdr.pem").write_bytes(wwdr.public_bytes(serialization.Encoding.PEM))
    (folder / "pass.pem").write_bytes(passcert.public_bytes(serialization.Encoding.PEM))
    (folder / "pass.key").write_bytes(pem_key(keys[1]))
    (folder / "google.json").write_text(json.dumps({
        "client_email": "bench@example.iam.gserviceaccount.com", "private_key_id": "k1",
        "private_key": pem_key(keys[2]).decode(),
    }))
    return {
        "WALLET_APPLE_CERTIFICATE": str(folder / "pass.pem"),
        "WALLET_APPLE_KEY": str(folder / "pass.key"),
        "WALLET_APPLE_WWDR_CERTIFICATE": str(folder / "wwdr.pem"),
        "WALLET_APPLE_TEAM_ID": "BENCH12345", "WALLET_APPLE_PASS_TYPE_ID": "pass.bench",
        "WALLET_GOOGLE_KEY_FILE": str(folder / "google.json"),
        "WALLET_GOOGLE_ISSUER_ID": "3388000000000000000", "WALLET_GOOGLE_CLASS_ID": "bench",
    }


def _seed(slug: str, *, cjk: bool) -> None:
    now = utcnow()
    event = Event(slug=slug, status=EventStatus.PUBLISHED, title_nl="10 jaar Techport",
                  venue="Techport", address="Wijkermeerweg 7, Beverwijk", starts_at=now,
                  ends_at=now + timedelta(hours=4), capacity=None, confirmed_count=GUESTS)
    db.session.add(event)
    db.session.flush()
    rows = []
    for number in range(GUESTS):
        name = f"{FIRST[number % 8]} {LAST[(number // 8) % 8]} {number}"
        if cjk and number % 10 == 0:
            name = f"{CJK[number % 3]} {number}"
        rows.append({
            "uid": secrets.token_hex(16), "event_id": event.id,
            "status": RegistrationStatus.CONFIRMED, "name": name,
            "email": f"g{number}@example.org", "email_normalized": f"g{number}@example.org",
            "organisation": ORGANISATIONS[number % len(ORGANISATIONS)], "language": "nl",
            "answers": {}, "manage_token": secrets.token_urlsafe(32),
            "ticket_code": new_ticket_code(), "calendar_sequence": 0, "consented_at": now,
            "created_at": now, "updated_at": now, "confirmed_at": now,
        })
    db.session.execute(insert(Registration), rows)
    db.session.commit()


def _sheet(database_url: str, settings: dict, slug: str, layout: str) -> dict:
    """Query, sort and render the sheet in this process; return its figures."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "BASE_URL": seed_tools.BASE_URL,
                      "SQLALCHEMY_DATABASE_URI": database_url, **settings})
    with app.test_request_context():
        event = db.session.query(Event).filter_by(slug=slug).one()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started, cpu = time.perf_counter(), time.process_time()
        guests = service.guests_for_badges(event, ListQuery(), sort="surname")
        data = service.sheet_pdf(event, guests, layouts.LAYOUTS[layout], language="nl",
                                 show_qr=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert len(guests) == GUESTS
    return {"seconds": elapsed, "cpu": cpu, "bytes": len(data), "rss_before": rss_before,
            "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _sheet_in_child(database_url: str, settings: dict, slug: str, layout: str) -> dict:
    """Run one sheet in a fresh Python, so its peak RSS is the sheet's own."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.badges", "--sheet", database_url, json.dumps(settings),
         slug, layout],
        capture_output=True, text=True, timeout=300, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _passes(app, slug: str) -> tuple[list[float], list[float]]:
    with app.test_request_context():
        event = db.session.query(Event).filter_by(slug=slug).one()
        registration = db.session.query(Registration).filter_by(event_id=event.id).first()
        configured = wallets(app)
        apple_times, google_times = [], []
        for _ in range(PASSES):
            started = time.perf_counter()
            apple.build_pkpass(pass_facts(registration), configured.apple)
            apple_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            google.save_url(pass_facts(registration), configured.google, event_id=event.id,
                            origin="https://events.example.org", now=utcnow())
            google_times.append(time.perf_counter() - started)
        return apple_times, google_times


def main() -> int:
    """Run the benchmark and print its table; exit 1 when a target is missed."""
    with tempfile.TemporaryDirectory() as folder:
        settings = _pki(Path(folder))
        app = seed_tools.empty_app(f"sqlite:///{folder}/bench.sqlite", **settings)
        with app.app_context():
            _seed("latin", cjk=False)
            _seed("mixed", cjk=True)
        url = f"sqlite:///{folder}/bench.sqlite"
        rows = []
        worst_seconds = worst_rss = 0.0
        for slug, layout in (("latin", "a4-2x4"), ("latin", "a4-3x8"), ("mixed", "a4-2x4")):
            figures = _sheet_in_child(url, settings, slug, layout)
            worst_seconds = max(worst_seconds, figures["seconds"])
            worst_rss = max(worst_rss, figures["rss"])
            rows.append((
                f"sheet {GUESTS} badges, {slug}, {layout}", f"{figures['bytes'] / 1e6:.1f} MB PDF",
                f"{figures['seconds']:.2f} s (CPU {figures['cpu']:.2f} s), peak RSS "
                f"{figures['rss']:.0f} MB (app loaded: {figures['rss_before']:.0f} MB)",
            ))
        apple_times, google_times = _passes(app, "latin")
    apple_p50 = statistics.median(apple_times) * 1000
    apple_p95 = sorted(apple_times)[int(len(apple_times) * 0.95)] * 1000
    google_p50 = statistics.median(google_times) * 1000
    rows.append((f"Apple .pkpass, {PASSES} builds", "p50 / p95", f"{apple_p50:.1f} / "
                 f"{apple_p95:.1f} ms"))
    rows.append((f"Google save link, {PASSES} builds", "p50", f"{google_p50:.1f} ms"))
    met = worst_seconds < 10 and worst_rss < 200 and apple_p95 < 50
    for label, unit, value in rows:
        print(f"{label:<42} {unit:<14} {value}")
    print(f"targets (sheet < 10 s and < 200 MB, one pass < 50 ms): {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sheet"]:
        print(json.dumps(_sheet(sys.argv[2], json.loads(sys.argv[3]), *sys.argv[4:6])))
        sys.exit(0)
    sys.exit(main())
