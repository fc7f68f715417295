"""The Telegram adapter: python-telegram-bot 22, rendering the core's replies as HTML and inline buttons."""
