"""What the feed bench's modules share: where the runs write, and the bench's channels."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
FEEDS_DIR = BENCH_DIR / "feeds"
RAW_DIR = FEEDS_DIR / "raw"  # the raw runs' documents, named as the export's: raw/<format>/products.xml …
CHANNELS = {"google-xml": "bench-google", "meta-csv": "bench-meta", "amazon-json": "bench-amazon"}
IMAGE_SPEC = "max-1600x1600"  # channels.feeds.pipeline.IMAGE_SPEC
