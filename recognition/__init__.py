"""Face recognition: enrollment with consent, encrypted templates, the matcher and the door camera.

- `imaging` decodes uploads safely, `quality` checks an enrollment face, `engine` detects and encodes
  (dlib through face_recognition), `crypto` seals templates (AES-GCM, key from the service secret).
- `enrollment` is the one way in for face data (consent, enroll, list, erase, gallery export);
  `identity` is its wrong-person check; `gallery` holds the matcher; `evaluation` scores a data set.
- `cameras` is the server side of a camera (punches through the ledger, heartbeat on its device row);
  `camera/` is the camera itself: capture, k-of-n voting and debounce, the liveness gate, the on-disk
  outbox, the local gallery copy, and the sinks that reach the server in-process or over HTTP.
"""
