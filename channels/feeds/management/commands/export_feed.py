"""`manage.py export_feed <channel> [--format F] [--output PATH]`: build feeds with a progress bar and a summary."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from channels.feeds.formats import FORMATS
from channels.feeds.models import FeedBuild
from channels.feeds.pipeline import build_feed, feed_settings_for
from channels.models import Channel
from channels.selectors import visible_in


class Command(BaseCommand):
    help = "Build a channel's feeds (all it publishes, or one format) and report what was written and left out."

    def add_arguments(self, parser):
        parser.add_argument("channel", help="The channel code, e.g. google-us.")
        parser.add_argument("--format", choices=sorted(FORMATS), help="One format (default: all it publishes).")
        parser.add_argument("--output", help="Write to this path instead of the served feed (needs --format).")
        parser.add_argument("--chunk-size", type=int, default=None, help="Products per database chunk.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, channel, format=None, output=None, chunk_size=None, no_progress=False, **options):
        found = Channel.objects.filter(code=channel).first()
        if found is None:
            raise CommandError(f"No channel “{channel}”.")
        codes = [format] if format else list(feed_settings_for(found).format_codes)
        if not codes:
            raise CommandError(f"Channel “{channel}” publishes no feed; name one with --format.")
        if output and len(codes) > 1:
            raise CommandError("--output needs --format (one file per run).")
        failed = False
        for code in codes:
            failed |= not self._export(found, code, output, chunk_size, not no_progress)
        if failed:
            raise CommandError("At least one feed failed; the previous files were left in place.")

    def _export(self, channel: Channel, code: str, output, chunk_size, progress: bool) -> bool:
        total = visible_in(channel).count() if progress else None
        bar = tqdm(total=total, unit="product", desc=code, disable=not progress, file=self.stderr._out)
        started = time.monotonic()

        def on_chunk(products: int, written: int) -> None:
            bar.update(products)
            bar.set_postfix(items=written, refresh=False)

        try:
            build = build_feed(
                channel, code, output=output, trigger="command", chunk_size=chunk_size, on_chunk=on_chunk
            )
        except Exception as exc:
            bar.close()
            self.stderr.write(self.style.ERROR(f"{code}: failed after {time.monotonic() - started:.1f}s: {exc}"))
            return False
        bar.close()
        self._summary(build, time.monotonic() - started)
        return True

    def _summary(self, build: FeedBuild, seconds: float) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"{build.format}: {build.items_written} items written")
            + f", {build.items_skipped} skipped"
            + (f", {build.deletes_written} deletes" if build.deletes_written else "")
            + f", {seconds:.1f}s, {_size(build.file_size or 0)} → {build.file_path}"
            + (f" and {len(build.documents) - 1} more documents beside it" if len(build.documents or ()) > 1 else "")
        )
        documents = build.documents if len(build.documents or ()) > 1 else []
        for document in documents:
            messages = document.get("messages", 0)
            deletes = f" ({document['deletes']} deletes)" if document.get("deletes") else ""
            self.stdout.write(
                f"  {document['name']}: {messages} message{'s' if messages != 1 else ''}{deletes}, "
                f"{_size(document['size'])}"
            )
        reasons = build.diagnostics.get("reasons", {}) if isinstance(build.diagnostics, dict) else {}
        for reason, count in list(reasons.items())[:20]:
            self.stdout.write(f"  skipped {count} × {reason}")
        if len(reasons) > 20:
            self.stdout.write(f"  … {len(reasons) - 20} more reasons (see the admin's feed page)")


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
