"""Profile the event page GET and the registration POST in process with pyinstrument.

``python -m benchmarks.profile [--requests N] [--html DIR]`` prints where the time goes.
"""

import argparse
import re
import tempfile
from pathlib import Path

from benchmarks import seed


def _session(client, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def main() -> None:
    """Profile both requests and print the call trees."""
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--html", type=Path, help="also write HTML reports here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="eventdesk-profile."))
    url = f"sqlite:///{folder / 'eventdesk.sqlite'}"
    seeded = seed.seed(url, tickets=args.requests)
    app = seed.app_for(url)
    client = app.test_client()
    page = f"/events/{seed.OPEN_SLUG}"
    token = _session(client, page)
    for _ in range(20):  # warm caches (templates, Babel catalogues) first
        client.get(page)

    def get(n: int) -> None:
        assert client.get(page).status_code == 200

    def post(n: int) -> None:
        response = client.post(f"{page}/register", data={
            "csrf_token": token, "name": f"Guest {n}", "email": f"p{n}@example.org",
            "organisation": "Techport", "consent": "y", seeded.question_field: "yes"})
        assert response.status_code == 302, response.status_code

    codes = iter(seeded.ticket_codes)
    checkins = f"/api/v1/events/{seed.DOOR_SLUG}/checkins"

    def check_in(n: int) -> None:
        response = client.post(checkins, json={"code": next(codes)},
                               headers={"Authorization": f"Bearer {seeded.door_token}"})
        assert response.json["status"] == "ok", response.json

    for name, call in (("event page GET", get), ("registration POST", post),
                       ("check-in POST", check_in)):
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for n in range(args.requests):
            call(n)
        profiler.stop()
        print(f"\n===== {name}: {args.requests} requests")
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.html:
            args.html.mkdir(parents=True, exist_ok=True)
            report = args.html / f"{name.replace(' ', '-')}.html"
            report.write_text(profiler.output_html())


if __name__ == "__main__":
    main()
