"""The web view (core/webview) over HTTP: an aiohttp server and the page it ships (static/)."""
