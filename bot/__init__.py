"""KAM Assistant: a Telegram bot for key-account managers."""

__version__ = "0.1.0"
