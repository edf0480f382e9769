"""`python -m bot.cli` runs the `kam` command."""

from bot.cli import main

main()
