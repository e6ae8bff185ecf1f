"""The domain core: tables, the punch ledger, the calendar, session rules, requests and queries.

Knows no delivery: never imports FastAPI, pyzk, OpenCV or face_recognition.
"""
