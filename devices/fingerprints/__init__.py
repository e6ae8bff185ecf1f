"""Fingerprint templates as the person's biometric data (DOMAIN.md R13): kept sealed, copied between terminals."""
