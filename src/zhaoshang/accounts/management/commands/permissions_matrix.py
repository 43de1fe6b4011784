from django.core.management.base import BaseCommand

from zhaoshang.accounts.roles import matrix_markdown


class Command(BaseCommand):
    help = "Print the role × object × action matrix as Markdown (docs/PERMISSIONS.md)."

    def handle(self, *args, **options):
        self.stdout.write(matrix_markdown())
