"""`kam transcribe FILE`: speech to text on this machine, with the bot's own recogniser."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import configure_logging, print_json, settings_or_exit
from bot.speech import SpeechError, build_speech_to_text


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    "language",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language spoken (passed to Whisper: auto-detection misfires on short notes).",
)
@click.option("--json", "as_json", is_flag=True, help="Print text, language, durations and model as JSON.")
def transcribe(file: Path, language: str, as_json: bool) -> None:
    """Transcribe an audio FILE (OGG/Opus voice note, MP3, M4A, WAV) with Whisper, offline.

    Uses KAM_STT_MODEL_DIR if set, else the bundled Whisper base model; works even when KAM_STT=none
    (that setting only governs the bot). Needs the [voice] extra.
    """
    settings = settings_or_exit()
    configure_logging(settings)
    try:
        speech = build_speech_to_text(settings, force=True)
        transcript = speech.transcribe(file, language=language)  # type: ignore[arg-type]
    except SpeechError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        print_json(transcript)
    else:
        click.echo(transcript.text)
