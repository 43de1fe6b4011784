"""Plain-Python parts of notifications: message payloads for the group bots, signing, back-off. No Django."""
