"""HTTP, SSE and WebSocket shell over the session actors."""
