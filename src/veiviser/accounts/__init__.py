"""Signing in to the staff web app: login attempts and the lockout after repeated failures."""
