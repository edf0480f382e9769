"""The Telegram transport: python-telegram-bot wiring, handlers, one send path, reminder jobs.

Dependency order inside the package (no cycles): `application` wires `handlers`, `voice` and `jobs`;
all three send through `send`, which renders with `render`. No business logic lives here.
"""
