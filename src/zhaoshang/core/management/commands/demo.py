from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhaoshang.demo import DEMO_PASSWORD, USERS, build_demo


class Command(BaseCommand):
    help = (
        "Build the demo city (株洲市, clearly marked 示例) and serve it with the task queue's worker beside the web "
        "server (one command; Ctrl+C stops both). Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="build the database, do not start the server"
        )
        parser.add_argument("--no-worker", action="store_true", help="serve without the task queue's worker")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        build_demo(progress=lambda message: self.stderr.write(f"· {message}"))
        self.stdout.write(self.style.SUCCESS(_("Demo data ready")))
        if not options["no_serve"]:
            self.stdout.write(f"URL: http://{options['host']}:{options['port']}/")
        self.stdout.write(_("Logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for username, last, first, role, _org, title in USERS:
            self.stdout.write(f"  {username:<12} {last}{first} · {role.label} · {title}")
        if options["no_serve"]:
            return
        worker = None
        if not options["no_worker"]:
            from zhaoshang.notifications.worker import BackgroundConsumer

            worker = BackgroundConsumer().start()
            self.stderr.write("· worker started (reminders, digests, deliveries)")
        try:
            call_command("serve", host=options["host"], port=options["port"])
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.stop()
                self.stderr.write("· worker stopped")
