"""`zhaoshang classify --train TRAIN.csv --text-column COL --label-column COL INPUT.csv -o OUT.csv`."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.chains.analysis.evaluate import classify_csv
from zhaoshang.chains.analysis.learned import LearnedError


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
                    desc={"train": "训练", "predict": "分类"}[stage],
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
            raise CommandError(str(exc)) from None
        finally:
            for bar in bars.values():
                bar.close()
        self.stderr.write(
            f"已分类 {summary.input_rows} 行（训练 {summary.train_rows_used} 行、{summary.classes} 类）→ {summary.out_csv}"
        )
