from django.core.management.base import BaseCommand, CommandError

from channels.api_keys import api_key_create
from channels.models import Channel


class Command(BaseCommand):
    help = "Create an API key for a channel and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("channel_code")
        parser.add_argument("--name", default="Created from the command line")

    def handle(self, *args, channel_code, name, **options):
        channel = Channel.objects.filter(code=channel_code).first()
        if channel is None:
            raise CommandError(f"No channel with code “{channel_code}”.")
        api_key, raw_key = api_key_create(channel=channel, name=name)
        self.stderr.write(f"API key “{api_key.name}” for {channel.name}; it is shown once, store it now:")
        self.stdout.write(raw_key)
