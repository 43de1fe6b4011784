"""`zhaoshang classify --train TRAIN.csv --text-column COL --label-column COL INPUT.csv -o OUT.csv`."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.chains.analysis.evaluate import classify_csv
from zhaoshang.chains.analysis.learned import LearnedError
from zhaoshang.core.messages import error_message


class Command(BaseCommand):
    help = "Train the learned classifier on a labelled CSV and classify another CSV (one output row per input row)."

    def add_arguments(self, parser):
        parser.add_argument("input", help="CSV to classify")
        parser.add_argument("--train", required=True, help="labelled CSV to train on")
        parser.add_argument("--text-column", required=True)
        parser.add_argument("--label-column", required=True)
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, input, train, text_column, label_column, output, **options):
        from tqdm import tqdm

        bars: dict[str, tqdm] = {}

        def progress(stage, done, total):
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total,
                    desc={"train": _("Training"), "predict": _("Classifying")}[stage],
                    file=sys.stderr,
                    disable=None,
                )
            bar.n = done
            bar.refresh()

        try:
            summary = classify_csv(
                train, input, output, text_column=text_column, label_column=label_column, progress=progress
            )
        except LearnedError as exc:
            raise CommandError(error_message(exc)) from None
        finally:
            for bar in bars.values():
                bar.close()
        self.stderr.write(
            _("Classified %(rows)s rows (trained on %(train)s rows, %(classes)s classes) → %(file)s")
            % {
                "rows": summary.input_rows,
                "train": summary.train_rows_used,
                "classes": summary.classes,
                "file": summary.out_csv,
            }
        )
